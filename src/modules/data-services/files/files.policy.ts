/**
 * Who may manage file resources (文件): the provider department answers for its files (谁提供谁负责).
 * Downloads through the data API are decided by the grant, not here.
 */
import type { Actor } from '../../identity/identity.policy.js';

const isPlatformAdmin = (actor: Actor) => actor.roles.includes('platform_admin');
const isMemberOf = (actor: Actor, orgId: string) =>
  actor.orgId !== null && actor.orgId === orgId && (actor.roles.includes('dept_admin') || actor.roles.includes('dept_user'));

/** Upload a new version: the provider department's admin only. */
export function canUploadFileVersion(actor: Actor, providerOrgId: string): boolean {
  return actor.roles.includes('dept_admin') && actor.orgId !== null && actor.orgId === providerOrgId;
}

/** See the versions in the console: the provider department and the platform admin. */
export function canListFileVersions(actor: Actor, providerOrgId: string): boolean {
  return isPlatformAdmin(actor) || isMemberOf(actor, providerOrgId);
}
