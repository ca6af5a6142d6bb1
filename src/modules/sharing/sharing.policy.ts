/**
 * Who may do what with share requests, grants and error reports, as plain functions.
 * The provider department's admin answers for its resources (谁提供谁负责); the consumer department
 * asks and uses (谁经手谁使用); the platform admin oversees and, when switched on, reviews a second time.
 */
import type { Actor } from '../identity/identity.policy.js';
import type { RequestStatus } from './sharing.types.js';

export const isPlatformAdmin = (actor: Actor) => actor.roles.includes('platform_admin');
const isAdminOf = (actor: Actor, orgId: string) => actor.roles.includes('dept_admin') && actor.orgId !== null && actor.orgId === orgId;
/** A department admin or user of this department. */
export const isMemberOf = (actor: Actor, orgId: string) =>
  actor.orgId !== null && actor.orgId === orgId && (actor.roles.includes('dept_admin') || actor.roles.includes('dept_user'));

/** Ask for a resource, or report a data error: any department admin or user. */
export function canRequestSharing(actor: Actor): boolean {
  return actor.orgId !== null && (actor.roles.includes('dept_admin') || actor.roles.includes('dept_user'));
}

/**
 * Decide a request: at `pending` the provider department's admin; at `second_review` a platform admin who
 * is not in the applicant department. Never anyone of the applicant department itself.
 */
export function canDecideRequest(actor: Actor, r: { status: RequestStatus; providerOrgId: string; applicantOrgId: string }): boolean {
  if (actor.orgId !== null && actor.orgId === r.applicantOrgId) return false;
  if (r.status === 'second_review') return isPlatformAdmin(actor);
  return isAdminOf(actor, r.providerOrgId);
}

export function canWithdrawRequest(actor: Actor, applicantOrgId: string): boolean {
  return isMemberOf(actor, applicantOrgId);
}

/** Read a request, grant or report: either side's department and the platform admin. */
export function canReadSharingCase(actor: Actor, sides: { providerOrgId: string; consumerOrgId: string }): boolean {
  return isPlatformAdmin(actor) || isMemberOf(actor, sides.providerOrgId) || isMemberOf(actor, sides.consumerOrgId);
}

export function canRevokeGrant(actor: Actor, providerOrgId: string): boolean {
  return isPlatformAdmin(actor) || isAdminOf(actor, providerOrgId);
}

export function canRenewGrant(actor: Actor, consumerOrgId: string): boolean {
  return isMemberOf(actor, consumerOrgId);
}

export function canReplyErrorReport(actor: Actor, providerOrgId: string): boolean {
  return isAdminOf(actor, providerOrgId);
}

export function canEditSharingSettings(actor: Actor): boolean {
  return isPlatformAdmin(actor);
}

export function canRunSharingJobs(actor: Actor): boolean {
  return isPlatformAdmin(actor) || actor.roles.includes('sys_admin');
}
