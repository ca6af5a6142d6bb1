/**
 * Who may do what with a resource's datastore: the provider department (谁提供谁负责) and the platform admin.
 */
import type { Actor } from '../../identity/identity.policy.js';

const isPlatformAdmin = (actor: Actor) => actor.roles.includes('platform_admin');
const inOrg = (actor: Actor, orgId: string) => actor.orgId !== null && actor.orgId === orgId;

/** Read the datastore's definition and load history: the provider department's admins and users, the platform admin. */
export function canReadDatastore(actor: Actor, providerOrgId: string): boolean {
  return isPlatformAdmin(actor) || (inOrg(actor, providerOrgId) && (actor.roles.includes('dept_admin') || actor.roles.includes('dept_user')));
}

/** Define the key and load data: the provider department's admin, the platform admin. */
export function canManageDatastore(actor: Actor, providerOrgId: string): boolean {
  return isPlatformAdmin(actor) || (inOrg(actor, providerOrgId) && actor.roles.includes('dept_admin'));
}
