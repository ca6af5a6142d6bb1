import { ROLES, ROLE_LABELS, type Role } from '@shared/identity/roles';
import type { OrgLevel } from '../api/types';

/** The role list and Chinese role names are the server's (src/modules/identity/roles.ts). */
export { ROLE_LABELS };

export const ROLE_COLORS: Record<Role, string> = {
  platform_admin: 'geekblue',
  dept_admin: 'blue',
  dept_user: 'default',
  sys_admin: 'purple',
  sec_admin: 'volcano',
  auditor: 'gold',
};

export const ALL_ROLES: Role[] = [...ROLES];

/** 三员分立: an account may hold at most one of these. */
export const SEPARATED_ROLES: Role[] = ['sys_admin', 'sec_admin', 'auditor'];

/** Roles a dept_admin may grant (分级管理). */
export const DEPT_GRANTABLE_ROLES: Role[] = ['dept_admin', 'dept_user'];

export function roleLabel(role: string): string {
  return ROLE_LABELS[role as Role] ?? role;
}

export const ORG_LEVEL_LABELS: Record<OrgLevel, string> = {
  province: '省级',
  city: '市级',
  county: '县级',
};
