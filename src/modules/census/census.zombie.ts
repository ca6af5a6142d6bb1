import { ZOMBIE_REASON_LABELS, type CensusSystemInput, type ZombieReason, type ZombieReasonCode } from './census.types.js';

/**
 * 僵尸系统 rules (seed 003 §二(一)): systems "使用与实际业务流程长期脱节、功能可被其他系统替代、所占用资源长期
 * 处于空闲状态、运行维护停止更新服务，以及使用范围小、频度低". The facts on the questionnaire decide four of
 * them; being detached from the business or replaceable is a judgement, so it is the manual flag.
 * A flag puts a system on the clean-up list (清理整合候选) for review; it retires nothing by itself.
 */

/** Frequencies the annex lists that mean "频度低": used once a year or only now and then. */
export const LOW_FREQUENCIES: readonly string[] = ['每年', '按需'];
/** At most this many users counts as "使用范围小" (a handful of clerks in one office). */
export const FEW_USERS_MAX = 5;

/** The facts the rules read: the questionnaire plus the catalog resources linked to the system. */
export type ZombieFacts = Pick<
  CensusSystemInput,
  'status' | 'frequency' | 'userCount' | 'providedTo' | 'obtainedFrom' | 'omBudget' | 'manualZombie' | 'manualZombieReason'
> & { linkedResourceCount: number };

const blank = (s: string | null) => !s || s.trim() === '' || /^[无\-—/／]+$/.test(s.trim());

/** Every zombie reason that applies, in a fixed order. */
export function zombieReasons(f: ZombieFacts): ZombieReason[] {
  const reasons: ZombieReason[] = [];
  const add = (code: ZombieReasonCode, detail: string) => reasons.push({ code, label: ZOMBIE_REASON_LABELS[code], detail });

  // 所占用资源长期处于空闲状态: the department itself reports it as stopped.
  if (f.status === '停止') add('stopped', '运行状态为停止运行');

  // 使用范围小、频度低.
  const lowFrequency = LOW_FREQUENCIES.includes(f.frequency);
  const fewUsers = f.userCount !== null && f.userCount <= FEW_USERS_MAX;
  if (lowFrequency || fewUsers) {
    const parts = [lowFrequency ? `使用频度为${f.frequency}` : null, fewUsers ? `用户数量仅 ${f.userCount} 个（不超过 ${FEW_USERS_MAX} 个）` : null];
    add('rarely_used', parts.filter(Boolean).join('，'));
  }

  // 信息孤岛: holds no catalog resource and exchanges nothing with other departments. Seed 003 §四(四):
  // systems that should be connected but are not get no O&M funding.
  if (f.linkedResourceCount === 0 && blank(f.providedTo) && blank(f.obtainedFrom)) {
    add('not_connected', '未关联任何目录资源，也未填报与其他部门的信息资源共享交换');
  }

  // 运行维护停止更新服务: no O&M budget means nobody is paid to keep it running.
  if (f.omBudget === null || f.omBudget <= 0) add('unmaintained', f.omBudget === null ? '未填报运维经费' : '运维经费为 0');

  if (f.manualZombie) add('manual', f.manualZombieReason?.trim() || '人工标记为僵尸系统');
  return reasons;
}
