/** Types mirroring docs/console-api-contract.md. */

import type { Role } from '@shared/identity/roles';

export type { Role };

/** The signed-in user as returned by /auth/login and /auth/me. */
export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  orgId: string;
  orgName: string;
  mustChangePassword: boolean;
}

export interface LoginResponse {
  token: string;
  csrfToken: string;
  user: SessionUser;
}

export interface MeResponse {
  user: SessionUser;
  csrfToken: string;
}

export type OrgLevel = 'province' | 'city' | 'county';

export interface Org {
  id: string;
  name: string;
  uscc: string;
  regionCode: string;
  regionName: string;
  parentId: string | null;
  level: OrgLevel;
}

export interface Region {
  code: string;
  name: string;
  fullName: string;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  orgId: string;
  orgName: string;
  roles: Role[];
  disabled: boolean;
  lockedUntil: string | null;
  mustChangePassword: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface AuditEvent {
  id: string | number;
  at: string;
  actor: string | null;
  action: string;
  target: string | null;
  detail: Record<string, unknown> | null;
  hash: string;
  ip: string | null;
}

export interface AuditVerifyResult {
  ok: boolean;
  checked: number;
  firstBroken: null | { id: string | number; reason: string };
}

export interface SystemStatus {
  version: string;
  database: 'pglite' | 'postgres';
  uptimeSeconds: number;
  migrations: { name: string; executedAt: string }[];
  counts: { orgs: number; users: number; auditEvents: number };
  settings: {
    sessionIdleMinutes: number;
    lockoutThreshold: number;
    lockoutMinutes: number;
    auditRetentionDays: number;
  };
}
