import type { Generated } from 'kysely';
import type { Timestamp, DefaultedTimestamp } from '../../platform/db/column-types.js';

/** The identity module's tables (Kysely types); src/platform/db/schema.ts composes every module's into DB. */
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

export interface IdentityTables {
  identity_orgs: IdentityOrgsTable;
  identity_users: IdentityUsersTable;
  identity_user_roles: IdentityUserRolesTable;
  identity_sessions: IdentitySessionsTable;
}
