import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** SM3 (GB/T 32905) digest as lowercase hex. Node's OpenSSL provides the algorithm. */
export function sm3Hex(data: string | Uint8Array): string {
  return createHash('sm3').update(data).digest('hex');
}

/** HMAC-SM3 as lowercase hex. */
export function hmacSm3Hex(key: string | Uint8Array, data: string | Uint8Array): string {
  return createHmac('sm3', key).update(data).digest('hex');
}

/** A random URL-safe token with `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Constant-time string comparison (false on different lengths). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
