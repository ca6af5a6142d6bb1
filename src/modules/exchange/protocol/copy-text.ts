// STUB (replaced by the protocol area): COPY text lines, column transforms with masking, row checksums.
export {};
