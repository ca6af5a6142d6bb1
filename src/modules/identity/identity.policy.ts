/**
 * Who may do what with accounts, roles and departments, as plain functions.
 * 三员分立: system admin, security admin and auditor are held by different accounts.
 * 分级管理: a department admin manages only its own department's accounts, with department roles.
 */
import { ROLES, type Role } from './roles.js';

export { ROLES, ROLE_LABELS, type Role } from './roles.js';

/** The three separated duties (三员): no account may hold more than one. */
export const SEPARATED_ROLES: readonly Role[] = ['sys_admin', 'sec_admin', 'auditor'];
/** Roles a department admin may grant inside its own department. */
export const DEPARTMENT_ROLES: readonly Role[] = ['dept_admin', 'dept_user'];

/** The signed-in user acting on a request. */
export interface Actor {
  userId: string;
  username: string;
  /** null for platform-level accounts that belong to no department. */
  orgId: string | null;
  roles: Role[];
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** True when the set holds two or more of sys_admin / sec_admin / auditor. */
export function violatesRoleSeparation(roles: readonly Role[]): boolean {
  return new Set(roles.filter((r) => SEPARATED_ROLES.includes(r))).size > 1;
}

export function isSecurityAdmin(actor: Actor): boolean {
  return actor.roles.includes('sec_admin');
}

/** May the actor see or manage accounts of this department at all? */
export function canManageAccountsIn(actor: Actor, orgId: string | null): boolean {
  if (isSecurityAdmin(actor)) return true;
  return actor.roles.includes('dept_admin') && actor.orgId !== null && actor.orgId === orgId;
}

/** May the actor grant exactly this set of roles? */
export function canAssignRoles(actor: Actor, roles: readonly Role[]): boolean {
  if (isSecurityAdmin(actor)) return true;
  return actor.roles.includes('dept_admin') && roles.every((r) => DEPARTMENT_ROLES.includes(r));
}

/**
 * May the actor change this existing account? A department admin may not touch an account of its
 * department that holds a platform or 三员 role (for example the platform admin who sits in 数据局).
 */
export function canManageAccount(actor: Actor, target: { orgId: string | null; roles: readonly Role[] }): boolean {
  return canManageAccountsIn(actor, target.orgId) && canAssignRoles(actor, target.roles);
}

/** Departments (the organisation tree) are maintained by the platform admin. */
/** Department roles need a department; platform roles may stand without one. */
export function needsDepartment(roles: readonly Role[]): boolean {
  return roles.some((r) => DEPARTMENT_ROLES.includes(r));
}

export function canManageOrgs(actor: Actor): boolean {
  return actor.roles.includes('platform_admin');
}

export function canViewSystemStatus(actor: Actor): boolean {
  return actor.roles.includes('sys_admin');
}
