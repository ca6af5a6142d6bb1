/**
 * Who may manage applications (应用) and narrow grants to them, as plain functions. A department's admin
 * manages its own applications; the platform admin may list every department's (but not hold their secrets).
 */
import type { Actor } from '../../identity/identity.policy.js';

export const isPlatformAdmin = (actor: Actor) => actor.roles.includes('platform_admin');
export const isDeptAdminOf = (actor: Actor, orgId: string) => actor.roles.includes('dept_admin') && actor.orgId !== null && actor.orgId === orgId;
/** A department admin or user of this department. */
export const isMemberOf = (actor: Actor, orgId: string) =>
  actor.orgId !== null && actor.orgId === orgId && (actor.roles.includes('dept_admin') || actor.roles.includes('dept_user'));

/** Create, rotate, disable or enable the department's applications. */
export function canManageApps(actor: Actor, orgId: string): boolean {
  return isDeptAdminOf(actor, orgId);
}

/** List: a department's members see its applications; the platform admin sees all. */
export function canListAllApps(actor: Actor): boolean {
  return isPlatformAdmin(actor);
}

export function canSeeApp(actor: Actor, orgId: string): boolean {
  return isPlatformAdmin(actor) || isMemberOf(actor, orgId);
}

/** Narrow a grant to one application: the consumer department's admin. */
export function canSetGrantApp(actor: Actor, consumerOrgId: string): boolean {
  return isDeptAdminOf(actor, consumerOrgId);
}

/** Read a grant's narrowing: either side's department members and the platform admin. */
export function canReadGrantApp(actor: Actor, sides: { providerOrgId: string; consumerOrgId: string }): boolean {
  return isPlatformAdmin(actor) || isMemberOf(actor, sides.providerOrgId) || isMemberOf(actor, sides.consumerOrgId);
}

/** List every department's narrowings (others: their own department's grants, consumer side). */
export function canListAllGrantNarrowings(actor: Actor): boolean {
  return isPlatformAdmin(actor);
}
