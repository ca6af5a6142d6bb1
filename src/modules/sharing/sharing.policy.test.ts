import { describe, expect, it } from 'vitest';
import type { Actor } from '../identity/identity.policy.js';
import { canDecideRequest, canReadSharingCase, canRevokeGrant, canWithdrawRequest } from './sharing.policy.js';

const actor = (orgId: string | null, ...roles: Actor['roles']): Actor => ({ userId: 'u', username: 'u', orgId, roles });
const request = { providerOrgId: 'gaj', applicantOrgId: 'scj' };

describe('sharing policy', () => {
  it('only the provider\'s admin decides a pending request', () => {
    expect(canDecideRequest(actor('gaj', 'dept_admin'), { ...request, status: 'pending' })).toBe(true);
    expect(canDecideRequest(actor('gaj', 'dept_user'), { ...request, status: 'pending' })).toBe(false);
    expect(canDecideRequest(actor('scj', 'dept_admin'), { ...request, status: 'pending' })).toBe(false);
    expect(canDecideRequest(actor('swj', 'dept_admin'), { ...request, status: 'pending' })).toBe(false);
    expect(canDecideRequest(actor('zsj', 'platform_admin'), { ...request, status: 'pending' })).toBe(false);
  });

  it('the second review is the platform admin\'s, unless the platform admin sits in the applicant department', () => {
    expect(canDecideRequest(actor('zsj', 'platform_admin'), { ...request, status: 'second_review' })).toBe(true);
    expect(canDecideRequest(actor('gaj', 'dept_admin'), { ...request, status: 'second_review' })).toBe(false);
    expect(canDecideRequest(actor('scj', 'platform_admin'), { ...request, status: 'second_review' })).toBe(false);
  });

  it('either side reads; the applicant withdraws; the provider or platform revokes', () => {
    expect(canReadSharingCase(actor('gaj', 'dept_user'), { providerOrgId: 'gaj', consumerOrgId: 'scj' })).toBe(true);
    expect(canReadSharingCase(actor('swj', 'dept_admin'), { providerOrgId: 'gaj', consumerOrgId: 'scj' })).toBe(false);
    expect(canReadSharingCase(actor('zsj', 'auditor'), { providerOrgId: 'gaj', consumerOrgId: 'scj' })).toBe(false);
    expect(canWithdrawRequest(actor('scj', 'dept_user'), 'scj')).toBe(true);
    expect(canWithdrawRequest(actor('gaj', 'dept_admin'), 'scj')).toBe(false);
    expect(canRevokeGrant(actor('scj', 'dept_admin'), 'gaj')).toBe(false);
    expect(canRevokeGrant(actor(null, 'platform_admin'), 'gaj')).toBe(true);
  });
});
