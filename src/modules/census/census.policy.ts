import type { Actor } from '../identity/identity.policy.js';

/**
 * Who may read and change census questionnaires, as plain functions. A department fills in its own
 * systems (部门自查); the platform admin (数据局) oversees every department.
 */

export function isCensusOverseer(actor: Actor): boolean {
  return actor.roles.includes('platform_admin');
}

/** May the actor read the questionnaires of this department? */
export function canReadCensusOf(actor: Actor, orgId: string): boolean {
  if (isCensusOverseer(actor)) return true;
  return actor.orgId !== null && actor.orgId === orgId && (actor.roles.includes('dept_admin') || actor.roles.includes('dept_user'));
}

/** May the actor create, change, link or delete questionnaires of this department? */
export function canEditCensusOf(actor: Actor, orgId: string): boolean {
  if (isCensusOverseer(actor)) return true;
  return actor.orgId !== null && actor.orgId === orgId && actor.roles.includes('dept_admin');
}

/** May the actor open the census at all (the console menu mirrors this)? */
export function canUseCensus(actor: Actor): boolean {
  return isCensusOverseer(actor) || (actor.orgId !== null && (actor.roles.includes('dept_admin') || actor.roles.includes('dept_user')));
}
