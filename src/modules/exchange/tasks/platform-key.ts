import type { SealedBox } from '../../../platform/crypto/sealed-box.js';
import type { Database } from '../../../platform/db/database.js';
import { generateNodeKeyPair, type NodeKeyPair } from '../node-signing.js';

/**
 * The platform's own SM2 key pair: it signs deliveries and node configuration. Generated on first use and kept
 * in exchange_platform_keys row 1 with the private key sealed by the master key. Insert-or-ignore then read, so
 * several processes starting at once all end up with the same key (whichever insert won).
 */
export function createPlatformKey(deps: { db: Database; box: SealedBox; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  let cached: Promise<NodeKeyPair> | null = null;

  async function load(): Promise<NodeKeyPair> {
    const read = () => deps.db.selectFrom('exchange_platform_keys').select(['public_key', 'private_key_sealed']).where('id', '=', 1).executeTakeFirst();
    let row = await read();
    if (!row) {
      const fresh = generateNodeKeyPair();
      await deps.db.insertInto('exchange_platform_keys')
        .values({ id: 1, public_key: fresh.publicKey, private_key_sealed: deps.box.seal(fresh.privateKey), created_at: now() })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      row = await read();
      if (!row) throw new Error('the platform key row vanished after insert');
    }
    return { publicKey: row.public_key, privateKey: deps.box.open(row.private_key_sealed) };
  }

  return {
    /** The key pair (cached after the first successful read; a failed read is retried next time). */
    async get(): Promise<NodeKeyPair> {
      cached ??= load().catch((err: unknown) => {
        cached = null;
        throw err;
      });
      return cached;
    },
  };
}

export type PlatformKey = ReturnType<typeof createPlatformKey>;
