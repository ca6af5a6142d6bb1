import { FREQUENCIES, NETWORKS, SYSTEM_KINDS, SYSTEM_STATUSES, USAGE_SCOPES, type CensusSystemInput } from './census.types.js';

/** A problem with one field of a questionnaire; `message` is Chinese, for the form and the import report. */
export interface FieldProblem {
  field: keyof CensusSystemInput;
  message: string;
}

const TEXT_MAX = 2000;
const SHORT_MAX = 200;
const SHORT_FIELDS: readonly (keyof CensusSystemInput)[] = [
  'name', 'securityLevel', 'ownerDivision', 'ownerName', 'ownerTitle', 'ownerPhone', 'approver', 'builder',
  'buildBudgetSource', 'omBudgetSource', 'accessAddress',
];
const TEXT_FIELDS: readonly (keyof CensusSystemInput)[] = [
  'name', 'functionDesc', 'resourceNames', 'securityLevel', 'secrecyClause', 'connectMethod', 'noConnectReason', 'accessAddress',
  'usageScopeDetail', 'ownerDivision', 'ownerName', 'ownerTitle', 'ownerPhone', 'approver', 'builder', 'buildBudgetSource',
  'omBudgetSource', 'omUnit', 'providedTo', 'obtainedFrom', 'neededFrom', 'techSupport', 'remarks', 'manualZombieReason',
];

function isDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** Trims every text field and turns blanks into null. */
export function normaliseSystemInput(input: CensusSystemInput): CensusSystemInput {
  const out = { ...input } as Record<string, unknown>;
  for (const key of TEXT_FIELDS) {
    const v = out[key];
    if (typeof v === 'string') out[key] = v.trim() === '' ? null : v.trim();
  }
  out.name = typeof input.name === 'string' ? input.name.trim() : input.name;
  return out as unknown as CensusSystemInput;
}

/**
 * Checks a whole questionnaire, including the annex's cross-field rules (填写说明 5(5)–(7)): a system
 * that can connect says how, one that cannot says why. Returns every problem, not just the first.
 */
export function systemInputProblems(input: CensusSystemInput, today = new Date()): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: keyof CensusSystemInput, message: string) => problems.push({ field, message });
  if (!input.name) add('name', '系统名称不能为空');
  if (!SYSTEM_KINDS.includes(input.kind)) add('kind', `系统类型须为：${SYSTEM_KINDS.join('、')}`);
  if (!SYSTEM_STATUSES.includes(input.status)) add('status', `运行状态须为：${SYSTEM_STATUSES.join('、')}`);
  if (!NETWORKS.includes(input.network)) add('network', `运行网络须为：${NETWORKS.join('、')}`);
  if (!FREQUENCIES.includes(input.frequency)) add('frequency', `使用频度须为：${FREQUENCIES.join('、')}`);
  if (input.usageScope !== null && !USAGE_SCOPES.includes(input.usageScope)) add('usageScope', `使用范围须为：${USAGE_SCOPES.join('、')}`);
  for (const key of TEXT_FIELDS) {
    const v = input[key];
    const max = SHORT_FIELDS.includes(key) ? SHORT_MAX : TEXT_MAX;
    if (typeof v === 'string' && v.length > max) add(key, `内容过长（最多 ${max} 字）`);
  }
  if (input.canConnect === true && !input.connectMethod) add('connectMethod', '可连接到电子政务外网或互联网的，须填写连接方式');
  if (input.canConnect === false && !input.noConnectReason) add('noConnectReason', '不可连接到电子政务外网或互联网的，须填写原因');
  if (input.userCount !== null && (!Number.isInteger(input.userCount) || input.userCount < 0)) add('userCount', '用户数量须为不小于 0 的整数，或填写“不固定”');
  if (input.warrantyYears !== null && (!Number.isInteger(input.warrantyYears) || input.warrantyYears < 0)) add('warrantyYears', '质保期须为不小于 0 的整数（年）');
  for (const key of ['buildBudget', 'omBudget'] as const) {
    const v = input[key];
    if (v !== null && (!Number.isFinite(v) || v < 0 || v >= 1e12)) add(key, '金额须为不小于 0 的数字（万元）');
  }
  const todayText = today.toISOString().slice(0, 10);
  for (const key of ['approvalDate', 'buildDate'] as const) {
    const v = input[key];
    if (v === null) continue;
    if (!isDate(v)) add(key, '日期格式须为 YYYY-MM-DD');
    else if (v > todayText) add(key, '日期不能晚于今天');
  }
  if (input.manualZombie && !input.manualZombieReason) add('manualZombieReason', '人工标记为僵尸系统时须填写原因');
  return problems;
}
