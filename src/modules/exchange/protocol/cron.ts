// STUB (replaced by the protocol area): 5-field cron in CST.
export {};
