/**
 * Who may do what with publish tasks (发布任务) and subscriptions (订阅), as plain functions.
 * 谁提供谁负责: the provider department's admin configures its tasks; the consumer department's admin its
 * subscriptions. The provider department sees subscriptions to its resources (read-only). The platform admin
 * and the auditor see everything, change nothing.
 */
import type { Actor } from '../../identity/identity.policy.js';

const isMemberOf = (actor: Actor, orgId: string) =>
  actor.orgId !== null && actor.orgId === orgId && (actor.roles.includes('dept_admin') || actor.roles.includes('dept_user'));

/** Platform-wide readers of the exchange flows. */
export const canReadAllFlows = (actor: Actor) => actor.roles.includes('platform_admin') || actor.roles.includes('auditor');

/** A department member (admin or user) of its own department: lists that department's flows. */
export const isDepartmentMember = (actor: Actor): actor is Actor & { orgId: string } => actor.orgId !== null && isMemberOf(actor, actor.orgId);

/** Create tasks / subscriptions for one's own department: its admin. */
export const isDepartmentAdmin = (actor: Actor): actor is Actor & { orgId: string } => actor.orgId !== null && actor.roles.includes('dept_admin');

export const canSeeTask = (actor: Actor, task: { orgId: string }) => canReadAllFlows(actor) || isMemberOf(actor, task.orgId);
export const canManageTask = (actor: Actor, task: { orgId: string }) => actor.roles.includes('dept_admin') && actor.orgId === task.orgId;

/** The consumer's department, the provider's department (read-only), the platform readers. */
export const canSeeSubscription = (actor: Actor, sub: { orgId: string; providerOrgId: string }) =>
  canReadAllFlows(actor) || isMemberOf(actor, sub.orgId) || isMemberOf(actor, sub.providerOrgId);
export const canManageSubscription = (actor: Actor, sub: { orgId: string }) => actor.roles.includes('dept_admin') && actor.orgId === sub.orgId;
