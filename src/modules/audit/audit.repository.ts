import { sql } from 'kysely';
import type { Database } from '../../platform/db/database.js';
import type { AuditFilters } from './audit.types.js';

// Serialises chain writers: each event needs the hash of the one before it.
const CHAIN_LOCK_KEY = 7_301_001;

export function auditRepository(db: Database) {
  return {
    async lockChain(): Promise<void> {
      await sql`select pg_advisory_xact_lock(${CHAIN_LOCK_KEY})`.execute(db);
    },

    async head(): Promise<{ id: number; hash: string } | undefined> {
      const last = await db.selectFrom('audit_events').select(['id', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirst();
      if (last) return last;
      const anchor = await db
        .selectFrom('audit_anchors')
        .select(['pruned_through_id as id', 'last_hash as hash'])
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return anchor;
    },

    async latestAnchor() {
      return db.selectFrom('audit_anchors').select(['pruned_through_id', 'last_hash']).orderBy('id', 'desc').limit(1).executeTakeFirst();
    },

    async insert(row: {
      id: number; at: Date; actor_id: string | null; actor_username: string | null; actor_org_id: string | null;
      action: string; target_type: string | null; target_id: string | null; detail: Record<string, unknown>;
      ip: string | null; prev_hash: string; hash: string;
    }): Promise<void> {
      await db.insertInto('audit_events').values({ ...row, detail: JSON.stringify(row.detail) }).execute();
    },

    /** Events in id order after `afterId`, a page at a time (for verification). */
    async pageAfter(afterId: number, limit: number) {
      return db
        .selectFrom('audit_events')
        .select(['id', 'at', 'actor_id', 'actor_username', 'actor_org_id', 'action', 'target_type', 'target_id', 'detail', 'ip', 'prev_hash', 'hash'])
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit)
        .execute();
    },

    async search(filters: AuditFilters) {
      let query = db.selectFrom('audit_events');
      if (filters.actor) query = query.where('actor_username', '=', filters.actor.trim().toLowerCase());
      if (filters.action) query = query.where('action', '=', filters.action);
      if (filters.from) query = query.where('at', '>=', new Date(filters.from));
      if (filters.to) query = query.where('at', '<=', new Date(filters.to));
      if (filters.q?.trim()) {
        const pattern = `%${filters.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query = query.where((eb) =>
          eb.or([
            eb('action', 'ilike', pattern),
            eb('actor_username', 'ilike', pattern),
            eb('target_id', 'ilike', pattern),
            eb(sql`detail::text`, 'ilike', pattern),
            eb('ip', 'ilike', pattern),
          ]),
        );
      }
      const [rows, count] = await Promise.all([
        query
          .select(['id', 'at', 'actor_username', 'action', 'target_type', 'target_id', 'detail', 'ip', 'hash'])
          .orderBy('id', 'desc')
          .limit(filters.limit ?? 50)
          .offset(filters.offset ?? 0)
          .execute(),
        query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
      ]);
      return { rows, total: Number(count.total) };
    },

    /** Deletes events older than `before` (whole prefix of the chain) and records an anchor. */
    async pruneBefore(before: Date, prunedAt: Date): Promise<{ count: number; throughId: number } | null> {
      const last = await db
        .selectFrom('audit_events')
        .select(['id', 'hash'])
        .where('at', '<', before)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (!last) return null;
      await sql`select set_config('govshare.audit_prune', 'on', true)`.execute(db);
      const result = await db.deleteFrom('audit_events').where('id', '<=', last.id).executeTakeFirst();
      await sql`select set_config('govshare.audit_prune', 'off', true)`.execute(db);
      const count = Number(result.numDeletedRows);
      await db
        .insertInto('audit_anchors')
        .values({ pruned_through_id: last.id, last_hash: last.hash, pruned_count: count, pruned_at: prunedAt })
        .execute();
      return { count, throughId: last.id };
    },
  };
}
