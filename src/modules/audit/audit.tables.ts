import type { Generated, JSONColumnType } from 'kysely';
import type { Timestamp } from '../../platform/db/column-types.js';

/** The audit module's tables (Kysely types); src/platform/db/schema.ts composes every module's into DB. */
export interface AuditEventsTable {
  id: number;
  at: Timestamp;
  actor_id: string | null;
  actor_username: string | null;
  actor_org_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  detail: JSONColumnType<Record<string, unknown>, string, string>;
  ip: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditAnchorsTable {
  id: Generated<number>;
  pruned_through_id: number;
  last_hash: string;
  pruned_count: number;
  pruned_at: Timestamp;
}

export interface AuditTables {
  audit_events: AuditEventsTable;
  audit_anchors: AuditAnchorsTable;
}
