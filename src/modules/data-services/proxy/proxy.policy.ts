/** Who may see and change the upstream endpoint of an 接口 resource (谁提供谁负责). */
import type { Actor } from '../../identity/identity.policy.js';

const isAdminOf = (actor: Actor, orgId: string) => actor.roles.includes('dept_admin') && actor.orgId !== null && actor.orgId === orgId;
const isMemberOf = (actor: Actor, orgId: string) =>
  actor.orgId !== null && actor.orgId === orgId && (actor.roles.includes('dept_admin') || actor.roles.includes('dept_user'));

/** Register or change the upstream: the provider department's admin only. */
export function canSetProxyEndpoint(actor: Actor, providerOrgId: string): boolean {
  return isAdminOf(actor, providerOrgId);
}

/** See the endpoint (URL, method, timeout, header names — never header values): the provider department and the platform admin. */
export function canReadProxyEndpoint(actor: Actor, providerOrgId: string): boolean {
  return actor.roles.includes('platform_admin') || isMemberOf(actor, providerOrgId);
}
