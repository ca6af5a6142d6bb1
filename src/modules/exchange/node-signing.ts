import { sm2 } from 'sm-crypto-v2';
import { sm3Hex } from '../../platform/crypto/sm3.js';

/**
 * Signatures of the exchange node (前置机) with its SM2 key. Shared by the platform (verification) and the
 * node agent (signing), so both build exactly the same bytes.
 *
 * - Signatures: SM2 with SM3 hashing over Z‖M (the default user id `1234567812345678`), raw r‖s as 128
 *   lowercase hex characters (not DER).
 * - Public keys: uncompressed, `04` + 128 hex characters.
 * - Enrolment proof: the signature over `canonicalJson` of the enrolment fields other than `proof`.
 * - Signed requests (heartbeat and later node calls): the signature over
 *   METHOD + "\n" + PATH + "\n" + TIMESTAMP + "\n" + NONCE + "\n" + hex SM3(body), sent as X-Node-Id,
 *   X-Timestamp (Unix ms), X-Nonce, X-Signature.
 */

export const PUBLIC_KEY_PATTERN = /^04[0-9a-f]{128}$/;
export const SIGNATURE_PATTERN = /^[0-9a-f]{128}$/;
/** A signed node request must be within this much of the platform clock; its nonce is remembered as long. */
export const NODE_MAX_CLOCK_SKEW_MS = 5 * 60_000;

export interface NodeKeyPair {
  publicKey: string;
  privateKey: string;
}

export function generateNodeKeyPair(): NodeKeyPair {
  const pair = sm2.generateKeyPairHex();
  return { publicKey: pair.publicKey.toLowerCase(), privateKey: pair.privateKey };
}

/** True for an uncompressed SM2 public key whose point is on the curve. */
export function isValidPublicKey(publicKey: string): boolean {
  if (!PUBLIC_KEY_PATTERN.test(publicKey)) return false;
  try {
    return sm2.verifyPublicKey(publicKey);
  } catch {
    return false;
  }
}

export function signWithNodeKey(message: string, key: NodeKeyPair): string {
  return sm2.doSignature(message, key.privateKey, { hash: true, publicKey: key.publicKey });
}

/** Never throws: a malformed key or signature is just not valid. */
export function verifyNodeSignature(message: string, signature: string, publicKey: string): boolean {
  if (!SIGNATURE_PATTERN.test(signature) || !PUBLIC_KEY_PATTERN.test(publicKey)) return false;
  try {
    return sm2.doVerifySignature(message, signature, publicKey, { hash: true });
  } catch {
    return false;
  }
}

/** JSON with object keys sorted (recursively), no whitespace; `undefined` members are left out. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export interface EnrolmentFields {
  token: string;
  publicKey: string;
  name: string;
  version: string;
  address?: string | null;
  contact?: string | null;
}

/** The enrolment request body with its proof of possession of the private key. */
export function signEnrolment(fields: EnrolmentFields, key: NodeKeyPair): EnrolmentFields & { proof: string } {
  return { ...fields, proof: signWithNodeKey(canonicalJson(fields), key) };
}

export interface NodeRequestParts {
  method: string;
  /** The URL path as sent, without the query, e.g. `/api/v1/exchange/heartbeat`. */
  path: string;
  timestamp: string;
  nonce: string;
  body: string | Uint8Array;
}

export function nodeStringToSign(parts: NodeRequestParts): string {
  return `${parts.method.toUpperCase()}\n${parts.path}\n${parts.timestamp}\n${parts.nonce}\n${sm3Hex(parts.body)}`;
}

/** The headers a node sends with a signed request. */
export function signNodeRequest(nodeId: string, key: NodeKeyPair, parts: Omit<NodeRequestParts, 'timestamp' | 'nonce'> & { timestamp?: string; nonce?: string }): Record<string, string> {
  const timestamp = parts.timestamp ?? String(Date.now());
  const nonce = parts.nonce ?? sm3Hex(`${nodeId}${timestamp}${Math.random()}`).slice(0, 32);
  const signature = signWithNodeKey(nodeStringToSign({ ...parts, timestamp, nonce }), key);
  return { 'x-node-id': nodeId, 'x-timestamp': timestamp, 'x-nonce': nonce, 'x-signature': signature };
}

/** Remembers nonces until they expire; `remember` is false for a nonce already seen and not expired at `now`. */
export interface NodeNonceStore {
  remember(nodeId: string, nonce: string, expiresAt: number, now: number): Promise<boolean>;
}

/** A nonce store for one process (several platform processes need a shared one). */
export function memoryNodeNonceStore(): NodeNonceStore {
  const seen = new Map<string, number>();
  return {
    async remember(nodeId, nonce, expiresAt, now) {
      if (seen.size > 100_000) for (const [k, until] of seen) if (until <= now) seen.delete(k);
      const k = `${nodeId}\u0000${nonce}`;
      const until = seen.get(k);
      if (until !== undefined && until > now) return false;
      seen.set(k, expiresAt);
      return true;
    },
  };
}

export type NodeSignatureCheck = { ok: true } | { ok: false; code: 'SIGNATURE_INVALID' | 'REPLAYED'; reason: string };

/**
 * Checks a node's signed request: timestamp within 5 minutes, the SM2 signature against the registered key,
 * then the nonce (only a correctly signed request spends its nonce).
 */
export async function verifyNodeRequest(input: {
  nodeId: string;
  publicKey: string;
  signature: string | undefined;
  parts: NodeRequestParts;
  nonces: NodeNonceStore;
  now: number;
}): Promise<NodeSignatureCheck> {
  const { parts, now } = input;
  if (!input.signature || !SIGNATURE_PATTERN.test(input.signature)) {
    return { ok: false, code: 'SIGNATURE_INVALID', reason: 'X-Signature must be 128 lowercase hex characters (SM2 r‖s)' };
  }
  if (!/^\d{13}$/.test(parts.timestamp)) return { ok: false, code: 'SIGNATURE_INVALID', reason: 'X-Timestamp must be Unix milliseconds' };
  if (Math.abs(now - Number(parts.timestamp)) > NODE_MAX_CLOCK_SKEW_MS) {
    return { ok: false, code: 'SIGNATURE_INVALID', reason: 'X-Timestamp is more than 5 minutes off the platform clock' };
  }
  if (!/^[\x21-\x7e]{8,128}$/.test(parts.nonce)) return { ok: false, code: 'SIGNATURE_INVALID', reason: 'X-Nonce must be 8–128 printable characters' };
  if (!verifyNodeSignature(nodeStringToSign(parts), input.signature, input.publicKey)) {
    return { ok: false, code: 'SIGNATURE_INVALID', reason: 'the signature does not match the request and the node\'s registered key' };
  }
  if (!(await input.nonces.remember(input.nodeId, parts.nonce, Number(parts.timestamp) + NODE_MAX_CLOCK_SKEW_MS, now))) {
    return { ok: false, code: 'REPLAYED', reason: 'this X-Nonce was already used' };
  }
  return { ok: true };
}
