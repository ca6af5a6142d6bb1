/**
 * Who may do what with exchange nodes (前置机), as plain functions. A department admin enrols its own
 * department's nodes; the platform admin reviews and revokes them; a department sees only its own nodes.
 */
import type { Actor } from '../identity/identity.policy.js';

export const isPlatformAdmin = (actor: Actor) => actor.roles.includes('platform_admin');
const isDeptAdminOf = (actor: Actor, orgId: string) => actor.roles.includes('dept_admin') && actor.orgId !== null && actor.orgId === orgId;
const isMemberOf = (actor: Actor, orgId: string) =>
  actor.orgId !== null && actor.orgId === orgId && (actor.roles.includes('dept_admin') || actor.roles.includes('dept_user'));

/** Create, list and revoke enrolment tokens: the department's own admin. */
export const canManageEnrolmentTokens = (actor: Actor): actor is Actor & { orgId: string } =>
  actor.orgId !== null && isDeptAdminOf(actor, actor.orgId);

export const canListAllNodes = (actor: Actor) => isPlatformAdmin(actor);

/** See a node: the platform admin, or anyone of the node's department. */
export const canSeeNode = (actor: Actor, orgId: string) => isPlatformAdmin(actor) || isMemberOf(actor, orgId);

/** Approve, reject or revoke a node: the platform admin only. */
export const canReviewNodes = (actor: Actor) => isPlatformAdmin(actor);
