import { describe, expect, it } from 'vitest';
import {
  canonicalJson, generateNodeKeyPair, isValidPublicKey, memoryNodeNonceStore, nodeStringToSign, signNodeRequest, signWithNodeKey, verifyNodeRequest, verifyNodeSignature,
} from './node-signing.js';
import { sm3Hex } from '../../platform/crypto/sm3.js';
import { nodeCodeOf } from './nodes.service.js';

describe('node signing (前置机签名)', () => {
  const key = generateNodeKeyPair();

  it('canonical JSON sorts keys, drops undefined, keeps null', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: null }, e: undefined })).toBe('{"a":{"c":null,"d":[1,"x"]},"b":1}');
  });

  it('signs and verifies with SM2; a wrong key, a changed message or a malformed signature fail without throwing', () => {
    expect(key.publicKey).toMatch(/^04[0-9a-f]{128}$/);
    expect(isValidPublicKey(key.publicKey)).toBe(true);
    expect(isValidPublicKey(`04${'0'.repeat(128)}`)).toBe(false);
    const sig = signWithNodeKey('hello', key);
    expect(sig).toMatch(/^[0-9a-f]{128}$/);
    expect(verifyNodeSignature('hello', sig, key.publicKey)).toBe(true);
    expect(verifyNodeSignature('hello!', sig, key.publicKey)).toBe(false);
    expect(verifyNodeSignature('hello', sig, generateNodeKeyPair().publicKey)).toBe(false);
    expect(verifyNodeSignature('hello', 'zz', key.publicKey)).toBe(false);
    expect(verifyNodeSignature('hello', sig, `04${'1'.repeat(128)}`)).toBe(false);
  });

  it('the string to sign is METHOD, PATH, TIMESTAMP, NONCE and SM3(body) joined by newlines', () => {
    expect(nodeStringToSign({ method: 'post', path: '/api/v1/exchange/heartbeat', timestamp: '1700000000000', nonce: 'n0nce-123', body: '{}' }))
      .toBe(`POST\n/api/v1/exchange/heartbeat\n1700000000000\nn0nce-123\n${sm3Hex('{}')}`);
  });

  it('verifies a signed request once within the 5-minute window', async () => {
    const now = Date.now();
    const nonces = memoryNodeNonceStore();
    const h = signNodeRequest('node-1', key, { method: 'POST', path: '/p', body: 'x', timestamp: String(now) });
    const parts = { method: 'POST', path: '/p', body: 'x', timestamp: h['x-timestamp']!, nonce: h['x-nonce']! };
    expect(await verifyNodeRequest({ nodeId: 'node-1', publicKey: key.publicKey, signature: h['x-signature'], parts, nonces, now })).toEqual({ ok: true });
    expect(await verifyNodeRequest({ nodeId: 'node-1', publicKey: key.publicKey, signature: h['x-signature'], parts, nonces, now })).toMatchObject({ ok: false, code: 'REPLAYED' });
    expect(await verifyNodeRequest({ nodeId: 'node-1', publicKey: key.publicKey, signature: h['x-signature'], parts, nonces, now: now + 5 * 60_000 + 1 })).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('the node code is region (6) + chars 9–17 of the USCC (9) + a 3-digit sequence', () => {
    expect(nodeCodeOf({ region_code: '440400', uscc: '11440400MB2C12345X' }, 7)).toBe('440400MB2C12345007');
    expect(() => nodeCodeOf({ region_code: '440400', uscc: '11440400MB2C12345X' }, 1000)).toThrow();
  });
});
