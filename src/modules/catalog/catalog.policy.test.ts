import { describe, expect, it } from 'vitest';
import type { Actor } from '../identity/identity.policy.js';
import { canEditResourcesOf, canRetireResourceOf, canReviewResources, canViewDepartmentCatalog } from './catalog.policy.js';

const GAJ = '11111111-1111-1111-1111-111111111111';
const SCJ = '22222222-2222-2222-2222-222222222222';
const actor = (roles: Actor['roles'], orgId: string | null = GAJ): Actor => ({ userId: 'u', username: 'u', orgId, roles });

describe('catalog policy', () => {
  it('lets a department admin catalog only its own department', () => {
    expect(canEditResourcesOf(actor(['dept_admin']), GAJ)).toBe(true);
    expect(canEditResourcesOf(actor(['dept_admin']), SCJ)).toBe(false);
    expect(canEditResourcesOf(actor(['dept_user']), GAJ)).toBe(false);
    expect(canEditResourcesOf(actor(['platform_admin'], null), SCJ)).toBe(true);
  });

  it('leaves review to the platform admin', () => {
    expect(canReviewResources(actor(['platform_admin']))).toBe(true);
    expect(canReviewResources(actor(['dept_admin']))).toBe(false);
    expect(canReviewResources(actor(['sys_admin']))).toBe(false);
  });

  it('lets the provider admin or the platform admin retire', () => {
    expect(canRetireResourceOf(actor(['dept_admin']), GAJ)).toBe(true);
    expect(canRetireResourceOf(actor(['dept_admin']), SCJ)).toBe(false);
    expect(canRetireResourceOf(actor(['platform_admin']), SCJ)).toBe(true);
  });

  it('shows a department catalog to its own members and the platform admin', () => {
    expect(canViewDepartmentCatalog(actor(['dept_user']), GAJ)).toBe(true);
    expect(canViewDepartmentCatalog(actor(['dept_user']), SCJ)).toBe(false);
    expect(canViewDepartmentCatalog(actor(['auditor'], null), GAJ)).toBe(false);
    expect(canViewDepartmentCatalog(actor(['platform_admin'], null), GAJ)).toBe(true);
  });
});
