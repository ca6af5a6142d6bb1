import { describe, expect, it } from 'vitest';
import {
  canAssignRoles, canManageAccount, canManageAccountsIn, canManageOrgs, canViewSystemStatus, violatesRoleSeparation, type Actor,
} from './identity.policy.js';
import { passwordPolicyProblem } from './password.js';

const actor = (roles: Actor['roles'], orgId: string | null = 'org-a'): Actor => ({ userId: 'u', username: 'u', orgId, roles });

describe('三员分立 (separation of the three duties)', () => {
  it('allows one of sys_admin / sec_admin / auditor, alone or with platform roles', () => {
    expect(violatesRoleSeparation(['sys_admin'])).toBe(false);
    expect(violatesRoleSeparation(['platform_admin', 'sec_admin'])).toBe(false);
    expect(violatesRoleSeparation(['dept_admin', 'dept_user'])).toBe(false);
  });
  it('refuses any two of them', () => {
    expect(violatesRoleSeparation(['sys_admin', 'sec_admin'])).toBe(true);
    expect(violatesRoleSeparation(['sec_admin', 'auditor'])).toBe(true);
    expect(violatesRoleSeparation(['sys_admin', 'auditor', 'dept_user'])).toBe(true);
  });
});

describe('分级管理 (graded account management)', () => {
  it('lets the security admin manage every department and grant every role', () => {
    expect(canManageAccountsIn(actor(['sec_admin']), 'org-b')).toBe(true);
    expect(canAssignRoles(actor(['sec_admin']), ['platform_admin', 'auditor'])).toBe(true);
  });
  it('lets a department admin manage only its own department', () => {
    expect(canManageAccountsIn(actor(['dept_admin']), 'org-a')).toBe(true);
    expect(canManageAccountsIn(actor(['dept_admin']), 'org-b')).toBe(false);
  });
  it('lets a department admin grant department roles only', () => {
    expect(canAssignRoles(actor(['dept_admin']), ['dept_user'])).toBe(true);
    expect(canAssignRoles(actor(['dept_admin']), ['dept_admin', 'dept_user'])).toBe(true);
    expect(canAssignRoles(actor(['dept_admin']), ['sec_admin'])).toBe(false);
    expect(canAssignRoles(actor(['dept_admin']), ['platform_admin'])).toBe(false);
  });
  it('stops a department admin from touching a platform account that sits in its department', () => {
    expect(canManageAccount(actor(['dept_admin']), { orgId: 'org-a', roles: ['platform_admin'] })).toBe(false);
    expect(canManageAccount(actor(['dept_admin']), { orgId: 'org-a', roles: ['dept_user'] })).toBe(true);
  });
  it('gives plain users, auditors and system admins no account management', () => {
    for (const roles of [['dept_user'], ['auditor'], ['sys_admin'], ['platform_admin']] as Actor['roles'][]) {
      expect(canManageAccountsIn(actor(roles), 'org-a')).toBe(false);
      expect(canAssignRoles(actor(roles), ['dept_user'])).toBe(false);
    }
  });
  it('never matches a department admin without a department', () => {
    expect(canManageAccountsIn(actor(['dept_admin'], null), 'org-a')).toBe(false);
  });
  it('keeps departments with the platform admin and the status page with the system admin', () => {
    expect(canManageOrgs(actor(['platform_admin']))).toBe(true);
    expect(canManageOrgs(actor(['sec_admin', 'dept_admin']))).toBe(false);
    expect(canViewSystemStatus(actor(['sys_admin']))).toBe(true);
    expect(canViewSystemStatus(actor(['sec_admin']))).toBe(false);
  });
});

describe('password policy', () => {
  it('accepts 8+ characters from 3 of the 4 classes', () => {
    expect(passwordPolicyProblem('Abcdefg1')).toBeNull();
    expect(passwordPolicyProblem('abcdef1!')).toBeNull();
  });
  it('refuses short, two-class and username-containing passwords', () => {
    expect(passwordPolicyProblem('Ab1!')).toMatch(/at least 8/);
    expect(passwordPolicyProblem('abcdefgh1')).toMatch(/3 of/);
    expect(passwordPolicyProblem('zhangsan@2026X', 'zhangsan')).toMatch(/username/);
  });
});
