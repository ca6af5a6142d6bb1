import { describe, expect, it } from 'vitest';
import { sm3Hex } from '../../platform/crypto/sm3.js';
import { canonicalQuery, memoryNonceStore, partsOfUrl, signRequest, stringToSign, verifySignedRequest, type SignedRequestParts } from './request-signing.js';

const SECRET = 'demo-secret-2026';
const NOW = 1_790_000_000_000;

/** The worked example of the API documentation: a GET with a filter and a field list. */
function example(overrides: Partial<SignedRequestParts> = {}): SignedRequestParts {
  const { path, query } = partsOfUrl('/api/v1/data/101002001/000123?%E5%A7%93%E5%90%8D=%E5%BC%A0%E4%B8%89&fields=%E5%A7%93%E5%90%8D,%E6%80%A7%E5%88%AB&limit=10');
  return { method: 'GET', path, query, timestamp: String(NOW), nonce: 'n-7f3a9c2e41', body: '', ...overrides };
}

describe('request signing (HMAC-SM3)', () => {
  it('builds the canonical query sorted by name then value, each part percent-encoded', () => {
    expect(canonicalQuery([['b', '2'], ['a', 'z'], ['a', 'y'], ['姓名', '张 三']])).toBe('a=y&a=z&b=2&%E5%A7%93%E5%90%8D=%E5%BC%A0%20%E4%B8%89');
    expect(canonicalQuery([])).toBe('');
  });

  it('signs the documented string: method, decoded path, canonical query, timestamp, nonce, SM3 of the body', () => {
    expect(stringToSign(example())).toBe([
      'GET',
      '/api/v1/data/101002001/000123',
      'fields=%E5%A7%93%E5%90%8D%2C%E6%80%A7%E5%88%AB&limit=10&%E5%A7%93%E5%90%8D=%E5%BC%A0%E4%B8%89',
      String(NOW),
      'n-7f3a9c2e41',
      sm3Hex(''),
    ].join('\n'));
    // SM3 of the empty string (GB/T 32905 test vector).
    expect(sm3Hex('')).toBe('1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b');
    // Pinned: docs/data-api-signing.md shows this worked example.
    expect(signRequest(SECRET, example())).toBe('3d5e4fecdde0af6e22f1e99d627d7bdec69ad5deefd097a951b1f50deed91116');
  });

  it('accepts a correctly signed request once, and refuses its replay', async () => {
    const nonces = memoryNonceStore();
    const parts = example();
    const signature = signRequest(SECRET, parts);
    const check = () => verifySignedRequest({ appKey: 'app-1', secret: SECRET, signature, parts, nonces, now: NOW + 1000 });
    expect(await check()).toEqual({ ok: true });
    expect(await check()).toMatchObject({ ok: false, code: 'REPLAYED' });
    // Once the nonce has expired from the store, the timestamp is too old anyway.
    expect(await verifySignedRequest({ appKey: 'app-1', secret: SECRET, signature, parts, nonces, now: NOW + 6 * 60_000 })).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('refuses a tampered path, query, body, method, or a wrong secret', async () => {
    const parts = example({ method: 'POST', body: '{"key":{"公民身份号码":"360426199101010071"}}' });
    const signature = signRequest(SECRET, parts);
    const tampered: SignedRequestParts[] = [
      { ...parts, path: '/api/v1/data/101002001/000124' },
      { ...parts, query: [...parts.query, ['fields', '公民身份号码']] },
      { ...parts, body: '{"key":{"公民身份号码":"360426199101010072"}}' },
      { ...parts, method: 'GET' },
    ];
    for (const t of tampered) {
      expect(await verifySignedRequest({ appKey: 'a', secret: SECRET, signature, parts: t, nonces: memoryNonceStore(), now: NOW })).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    }
    expect(await verifySignedRequest({ appKey: 'a', secret: 'another-secret', signature, parts, nonces: memoryNonceStore(), now: NOW })).toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('refuses a timestamp more than 5 minutes off, and malformed headers', async () => {
    const parts = example();
    const signature = signRequest(SECRET, parts);
    const at = (now: number) => verifySignedRequest({ appKey: 'a', secret: SECRET, signature, parts, nonces: memoryNonceStore(), now });
    expect(await at(NOW + 5 * 60_000)).toEqual({ ok: true });
    expect(await at(NOW + 5 * 60_000 + 1)).toMatchObject({ code: 'SIGNATURE_INVALID', reason: expect.stringMatching(/5 minutes/) });
    expect(await at(NOW - 5 * 60_000 - 1)).toMatchObject({ code: 'SIGNATURE_INVALID' });
    const nonces = memoryNonceStore();
    expect(await verifySignedRequest({ appKey: 'a', secret: SECRET, signature: undefined, parts, nonces, now: NOW })).toMatchObject({ code: 'SIGNATURE_INVALID' });
    expect(await verifySignedRequest({ appKey: 'a', secret: SECRET, signature: signature.toUpperCase(), parts, nonces, now: NOW })).toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('does not spend a nonce on a forged request', async () => {
    const nonces = memoryNonceStore();
    const parts = example();
    await verifySignedRequest({ appKey: 'a', secret: SECRET, signature: 'f'.repeat(64), parts, nonces, now: NOW });
    expect(await verifySignedRequest({ appKey: 'a', secret: SECRET, signature: signRequest(SECRET, parts), parts, nonces, now: NOW })).toEqual({ ok: true });
  });
});
