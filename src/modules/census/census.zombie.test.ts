import { describe, expect, it } from 'vitest';
import type { Actor } from '../identity/identity.policy.js';
import { canEditCensusOf, canReadCensusOf } from './census.policy.js';
import { zombieReasons, type ZombieFacts } from './census.zombie.js';

const healthy: ZombieFacts = {
  status: '运行', frequency: '每日', userCount: 120, providedTo: null, obtainedFrom: null, omBudget: 30,
  manualZombie: false, manualZombieReason: null, linkedResourceCount: 2,
};
const codes = (f: Partial<ZombieFacts>) => zombieReasons({ ...healthy, ...f }).map((r) => r.code);

describe('zombie rules', () => {
  it('flags nothing for a running, daily used, connected and funded system', () => {
    expect(codes({})).toEqual([]);
  });

  it('flags a stopped system', () => {
    expect(codes({ status: '停止' })).toEqual(['stopped']);
  });

  it('flags yearly and on-demand use, and five users or fewer, as rarely used', () => {
    expect(codes({ frequency: '每年' })).toEqual(['rarely_used']);
    expect(codes({ frequency: '按需' })).toEqual(['rarely_used']);
    expect(codes({ frequency: '每季度' })).toEqual([]);
    expect(codes({ userCount: 5 })).toEqual(['rarely_used']);
    expect(codes({ userCount: 6 })).toEqual([]);
    // 不固定 (unknown) is not evidence of few users.
    expect(codes({ userCount: null })).toEqual([]);
  });

  it('flags a system with no catalog resource and no declared exchange as not connected', () => {
    expect(codes({ linkedResourceCount: 0 })).toEqual(['not_connected']);
    expect(codes({ linkedResourceCount: 0, providedTo: '无' })).toEqual(['not_connected']);
    expect(codes({ linkedResourceCount: 0, providedTo: '企业基本信息 / 市税务局 / 前置机交换' })).toEqual([]);
    expect(codes({ linkedResourceCount: 0, obtainedFrom: '人口基础信息 / 市公安局 / API接口' })).toEqual([]);
  });

  it('flags a system without O&M budget as no longer maintained', () => {
    expect(codes({ omBudget: null })).toEqual(['unmaintained']);
    expect(codes({ omBudget: 0 })).toEqual(['unmaintained']);
  });

  it('adds the manual flag with its reason, alongside the computed ones', () => {
    const reasons = zombieReasons({ ...healthy, status: '停止', manualZombie: true, manualZombieReason: '功能已被一网通办平台替代' });
    expect(reasons.map((r) => r.code)).toEqual(['stopped', 'manual']);
    expect(reasons[1]).toMatchObject({ label: '人工标记', detail: '功能已被一网通办平台替代' });
  });
});

describe('census policy', () => {
  const actor = (roles: Actor['roles'], orgId: string | null = 'gaj'): Actor => ({ userId: 'u', username: 'u', orgId, roles });

  it('lets a department read its own census and only its admin change it', () => {
    expect(canReadCensusOf(actor(['dept_user']), 'gaj')).toBe(true);
    expect(canEditCensusOf(actor(['dept_user']), 'gaj')).toBe(false);
    expect(canEditCensusOf(actor(['dept_admin']), 'gaj')).toBe(true);
  });

  it('keeps other departments out', () => {
    expect(canReadCensusOf(actor(['dept_admin']), 'scj')).toBe(false);
    expect(canEditCensusOf(actor(['dept_admin']), 'scj')).toBe(false);
  });

  it('lets the platform admin oversee every department, but not the 三员', () => {
    expect(canEditCensusOf(actor(['platform_admin'], 'zsj'), 'scj')).toBe(true);
    expect(canReadCensusOf(actor(['sec_admin'], 'zsj'), 'zsj')).toBe(false);
    expect(canReadCensusOf(actor(['auditor'], 'zsj'), 'zsj')).toBe(false);
  });
});
