import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/** Table types for Kysely. Table names carry their module's prefix. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp the database fills in by default. */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface IdentityOrgsTable {
  id: Generated<string>;
  name: string;
  uscc: string;
  region_code: string;
  parent_id: string | null;
  level: 'province' | 'city' | 'county';
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface IdentityUsersTable {
  id: Generated<string>;
  username: string;
  display_name: string;
  org_id: string | null;
  password_hash: string;
  must_change_password: boolean;
  failed_attempts: Generated<number>;
  locked_until: Timestamp | null;
  disabled: Generated<boolean>;
  password_changed_at: Timestamp | null;
  last_login_at: Timestamp | null;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface IdentityUserRolesTable {
  user_id: string;
  role: string;
}

export interface IdentitySessionsTable {
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

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

export interface DB {
  identity_orgs: IdentityOrgsTable;
  identity_users: IdentityUsersTable;
  identity_user_roles: IdentityUserRolesTable;
  identity_sessions: IdentitySessionsTable;
  audit_events: AuditEventsTable;
  audit_anchors: AuditAnchorsTable;
}
