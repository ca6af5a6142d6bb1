import { hmacSm3Hex, safeEqual, sm3Hex } from '../../platform/crypto/sm3.js';

/**
 * Signed data-API requests (issue: data services). An application signs every call with its secret:
 *
 *   X-Signature = lowercase hex HMAC-SM3(secret,
 *     METHOD + "\n" + PATH + "\n" + CANONICAL_QUERY + "\n" + TIMESTAMP + "\n" + NONCE + "\n" + hex SM3(body))
 *
 * PATH is the URL-decoded path; CANONICAL_QUERY is the query parameters sorted by name then value, each
 * `encodeURIComponent(name)=encodeURIComponent(value)`, joined with `&`; TIMESTAMP is Unix milliseconds
 * (X-Timestamp); NONCE is unique per request (X-Nonce); the body's SM3 is taken of the empty string when
 * there is no body.
 */
export interface SignedRequestParts {
  method: string;
  /** The URL-decoded path, e.g. `/api/v1/data/101002001/000123`. */
  path: string;
  /** Query parameters as name/value pairs, decoded. */
  query: readonly (readonly [string, string])[];
  timestamp: string;
  nonce: string;
  body: string | Uint8Array;
}

const byNameThenValue = ([an, av]: readonly [string, string], [bn, bv]: readonly [string, string]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0);

export function canonicalQuery(query: readonly (readonly [string, string])[]): string {
  if (query.length === 0) return '';
  if (query.length === 1) return `${encodeURIComponent(query[0]![0])}=${encodeURIComponent(query[0]![1])}`;
  return [...query]
    .sort(byNameThenValue)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
}

/** hex SM3 of the empty body (most calls are GETs): computed once. */
const EMPTY_BODY_SM3 = sm3Hex('');

function bodyDigest(body: string | Uint8Array): string {
  return body.length === 0 ? EMPTY_BODY_SM3 : sm3Hex(body);
}

export function stringToSign(parts: SignedRequestParts): string {
  return `${parts.method.toUpperCase()}\n${parts.path}\n${canonicalQuery(parts.query)}\n${parts.timestamp}\n${parts.nonce}\n${bodyDigest(parts.body)}`;
}

export function signRequest(secret: string, parts: SignedRequestParts): string {
  return hmacSm3Hex(secret, stringToSign(parts));
}

/** Splits a request URL (path and query as sent) into the decoded path and query pairs. */
export function partsOfUrl(url: string): { path: string; query: [string, string][] } {
  const parsed = new URL(url, 'http://platform.invalid');
  return { path: decodeURIComponent(parsed.pathname), query: [...parsed.searchParams.entries()] };
}

/** Remembers nonces until they expire; `remember` is false for a nonce already seen and not expired at `now`. */
export interface NonceStore {
  remember(appKey: string, nonce: string, expiresAt: number, now: number): Promise<boolean>;
}

/** A nonce store for one process (a database-backed one is needed once several processes serve the API). */
export function memoryNonceStore(): NonceStore {
  const seen = new Map<string, number>();
  return {
    async remember(appKey, nonce, expiresAt, now) {
      if (seen.size > 100_000) for (const [key, until] of seen) if (until <= now) seen.delete(key);
      const key = `${appKey}\u0000${nonce}`;
      const until = seen.get(key);
      if (until !== undefined && until > now) return false;
      seen.set(key, expiresAt);
      return true;
    },
  };
}

export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export type SignatureCheck =
  | { ok: true }
  | { ok: false; code: 'SIGNATURE_INVALID' | 'REPLAYED'; reason: string };

/**
 * Checks a signed request: the timestamp within 5 minutes of `now`, the signature, then the nonce
 * (only a correctly signed request spends its nonce, so a forger cannot burn an application's nonces).
 */
export async function verifySignedRequest(input: {
  appKey: string;
  secret: string;
  signature: string | undefined;
  parts: SignedRequestParts;
  nonces: NonceStore;
  now: number;
}): Promise<SignatureCheck> {
  const { parts, now } = input;
  if (!input.signature || !/^[0-9a-f]{64}$/.test(input.signature)) {
    return { ok: false, code: 'SIGNATURE_INVALID', reason: 'X-Signature must be 64 lowercase hex characters' };
  }
  if (!/^\d{13}$/.test(parts.timestamp)) return { ok: false, code: 'SIGNATURE_INVALID', reason: 'X-Timestamp must be Unix milliseconds' };
  if (Math.abs(now - Number(parts.timestamp)) > MAX_CLOCK_SKEW_MS) {
    return { ok: false, code: 'SIGNATURE_INVALID', reason: 'X-Timestamp is more than 5 minutes off the platform clock' };
  }
  if (!/^[\x21-\x7e]{8,128}$/.test(parts.nonce)) return { ok: false, code: 'SIGNATURE_INVALID', reason: 'X-Nonce must be 8–128 printable characters' };
  if (!safeEqual(signRequest(input.secret, parts), input.signature)) {
    return { ok: false, code: 'SIGNATURE_INVALID', reason: 'the signature does not match the request' };
  }
  if (!(await input.nonces.remember(input.appKey, parts.nonce, Number(parts.timestamp) + MAX_CLOCK_SKEW_MS, now))) {
    return { ok: false, code: 'REPLAYED', reason: 'this X-Nonce was already used' };
  }
  return { ok: true };
}
