/**
 * The platform roles and their Chinese names. Import-free, so the console (web/) imports this file too
 * (as `@shared/identity/roles`); identity.policy.ts re-exports it for the server.
 */
export const ROLES = ['platform_admin', 'dept_admin', 'dept_user', 'sys_admin', 'sec_admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  platform_admin: '平台管理员',
  dept_admin: '部门管理员',
  dept_user: '部门用户',
  sys_admin: '系统管理员',
  sec_admin: '安全管理员',
  auditor: '安全审计员',
};
