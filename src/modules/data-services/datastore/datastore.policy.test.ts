import { describe, expect, it } from 'vitest';
import type { Actor } from '../../identity/identity.policy.js';
import { canManageDatastore, canReadDatastore } from './datastore.policy.js';

const actor = (roles: Actor['roles'], orgId: string | null = 'gaj'): Actor => ({ userId: 'u', username: 'u', orgId, roles });

describe('datastore policy', () => {
  it('lets the provider department read, its admin and the platform admin manage', () => {
    expect(canReadDatastore(actor(['dept_user']), 'gaj')).toBe(true);
    expect(canManageDatastore(actor(['dept_user']), 'gaj')).toBe(false);
    expect(canManageDatastore(actor(['dept_admin']), 'gaj')).toBe(true);
    expect(canManageDatastore(actor(['platform_admin'], null), 'gaj')).toBe(true);
    expect(canReadDatastore(actor(['platform_admin'], null), 'gaj')).toBe(true);
  });

  it('refuses other departments and other platform roles', () => {
    expect(canReadDatastore(actor(['dept_admin'], 'scj'), 'gaj')).toBe(false);
    expect(canManageDatastore(actor(['dept_admin'], 'scj'), 'gaj')).toBe(false);
    for (const role of ['sys_admin', 'sec_admin', 'auditor'] as const) {
      expect(canReadDatastore(actor([role], null), 'gaj')).toBe(false);
      expect(canManageDatastore(actor([role], 'gaj'), 'gaj')).toBe(false);
    }
  });
});
