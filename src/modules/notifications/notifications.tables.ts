import type { Generated } from 'kysely';
import type { Timestamp, NullableJsonColumn } from '../../platform/db/column-types.js';

/** The notifications module's tables (Kysely types); src/platform/db/schema.ts composes every module's into DB. */
export interface NotificationsTable {
  id: Generated<string>;
  recipient_user_id: string | null;
  recipient_org_id: string | null;
  recipient_roles: NullableJsonColumn<string[]>;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  created_at: Timestamp;
}

export interface NotificationsReadsTable {
  notification_id: string;
  user_id: string;
  read_at: Timestamp;
}

export interface NotificationsTables {
  notifications: NotificationsTable;
  notifications_reads: NotificationsReadsTable;
}
