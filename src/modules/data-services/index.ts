export {
  canonicalQuery, memoryNonceStore, partsOfUrl, signRequest, stringToSign, verifySignedRequest, MAX_CLOCK_SKEW_MS,
  type NonceStore, type SignatureCheck, type SignedRequestParts,
} from './request-signing.js';
