/**
 * Who may do what with the resource catalog, as plain functions.
 * A department admin catalogs its own department's resources; the platform admin reviews them.
 */
import type { Actor } from '../identity/identity.policy.js';

const isPlatformAdmin = (actor: Actor) => actor.roles.includes('platform_admin');
const isAdminOf = (actor: Actor, orgId: string) => actor.roles.includes('dept_admin') && actor.orgId !== null && actor.orgId === orgId;

/** Create, edit, submit and import resources of this provider department. */
export function canEditResourcesOf(actor: Actor, providerOrgId: string): boolean {
  return isPlatformAdmin(actor) || isAdminOf(actor, providerOrgId);
}

/** Approve or return a submitted version: the platform admin only, never the provider's own admin. */
export function canReviewResources(actor: Actor): boolean {
  return isPlatformAdmin(actor);
}

/** Retire (下架) a published resource. */
export function canRetireResourceOf(actor: Actor, providerOrgId: string): boolean {
  return isPlatformAdmin(actor) || isAdminOf(actor, providerOrgId);
}

/** See a department's whole catalog, drafts included: its own members and the platform admin. */
export function canViewDepartmentCatalog(actor: Actor, orgId: string): boolean {
  return isPlatformAdmin(actor) || (actor.orgId !== null && actor.orgId === orgId);
}
