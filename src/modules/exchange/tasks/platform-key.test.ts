import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../../test/helpers/test-db.js';
import { sealedBox } from '../../../platform/crypto/sealed-box.js';
import { isValidPublicKey, signWithNodeKey, verifyNodeSignature } from '../node-signing.js';
import { createPlatformKey } from './platform-key.js';

describe('platform SM2 key (平台签名密钥)', () => {
  let handle: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => { handle = await createTestDatabase({ demo: false }); });
  afterAll(async () => handle.close());

  it('is generated once, sealed at rest, and every instance (concurrently) agrees on it', async () => {
    const box = sealedBox(randomBytes(16));
    const instances = [1, 2, 3].map(() => createPlatformKey({ db: handle.db, box }));
    const keys = await Promise.all(instances.map((k) => k.get()));
    expect(isValidPublicKey(keys[0]!.publicKey)).toBe(true);
    expect(new Set(keys.map((k) => k.publicKey)).size).toBe(1);
    expect(new Set(keys.map((k) => k.privateKey)).size).toBe(1);
    const rows = await handle.db.selectFrom('exchange_platform_keys').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.private_key_sealed).not.toContain(keys[0]!.privateKey);
    expect(verifyNodeSignature('hello', signWithNodeKey('hello', keys[0]!), keys[0]!.publicKey)).toBe(true);
    // A restart (new instance, same master key) reads the same key; cached afterwards.
    const again = createPlatformKey({ db: handle.db, box });
    expect((await again.get()).publicKey).toBe(keys[0]!.publicKey);
    expect(await again.get()).toBe(await again.get());
  });
});
