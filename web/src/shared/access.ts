import type { Role } from '../api/types';

/** Console areas and the roles that may open them; mirrors the server's policies. */
export type Area = 'home' | 'orgs' | 'users' | 'audit' | 'system' | 'profile';

const AREA_ROLES: Record<Area, Role[] | 'everyone'> = {
  home: 'everyone',
  orgs: ['platform_admin', 'sec_admin', 'dept_admin'],
  users: ['sec_admin', 'dept_admin'],
  audit: ['auditor'],
  system: ['sys_admin'],
  profile: 'everyone',
};

export function canAccess(roles: readonly Role[], area: Area): boolean {
  const allowed = AREA_ROLES[area];
  return allowed === 'everyone' || roles.some((role) => allowed.includes(role));
}

export function hasRole(roles: readonly Role[], role: Role): boolean {
  return roles.includes(role);
}
