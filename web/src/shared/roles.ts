import type { OrgLevel, Role } from '../api/types';

export const ROLE_LABELS: Record<Role, string> = {
  platform_admin: '平台管理员',
  dept_admin: '部门管理员',
  dept_user: '部门用户',
  sys_admin: '系统管理员',
  sec_admin: '安全管理员',
  auditor: '安全审计员',
};

export const ROLE_COLORS: Record<Role, string> = {
  platform_admin: 'geekblue',
  dept_admin: 'blue',
  dept_user: 'default',
  sys_admin: 'purple',
  sec_admin: 'volcano',
  auditor: 'gold',
};

export const ALL_ROLES: Role[] = ['platform_admin', 'dept_admin', 'dept_user', 'sys_admin', 'sec_admin', 'auditor'];

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
