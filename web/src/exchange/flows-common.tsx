import { Tag, Typography, type FormInstance } from 'antd';
import type { SubscriptionStatus, TaskStatus, TaskView } from '@shared/exchange/flows.types';
import { SUBSCRIPTION_STATUS_LABELS, TASK_STATUS_LABELS } from '@shared/exchange/flows.types';
import { ApiError } from '../api/client';
import { describeError } from '../shared/errors';

const TASK_COLORS: Record<TaskStatus, string> = { active: 'green', paused: 'default' };
const SUBSCRIPTION_COLORS: Record<SubscriptionStatus, string> = { active: 'green', paused: 'default', stopped: 'red' };

export function TaskStatusTag({ status }: { status: TaskStatus }) {
  return <Tag color={TASK_COLORS[status]} data-testid="task-status">{TASK_STATUS_LABELS[status]}</Tag>;
}

export function SubscriptionStatusTag({ status }: { status: SubscriptionStatus }) {
  return <Tag color={SUBSCRIPTION_COLORS[status]} data-testid="sub-status">{SUBSCRIPTION_STATUS_LABELS[status]}</Tag>;
}

/** 调度: the cron text as configured (5 fields, CST), or 实时 every N seconds. */
export function scheduleText(task: Pick<TaskView, 'scheduleKind' | 'cron' | 'intervalSeconds'>): string {
  return task.scheduleKind === 'realtime' ? `实时 ${task.intervalSeconds ?? '-'} 秒` : task.cron ?? '-';
}

/** Consecutive failures: red when any. */
export function FailureCount({ value }: { value: number }) {
  return value > 0 ? <Typography.Text type="danger" data-testid="failures">{value}</Typography.Text> : <span data-testid="failures">0</span>;
}

interface FieldProblem { field: string; message: string }

/**
 * The field-level problems of a validation error, whatever shape the server gives them in:
 * `{field, message}`, `{fields: {name: message}}` or `{problems|errors|details: [{field|path|column, message}]}`.
 */
export function fieldProblems(error: unknown): FieldProblem[] {
  if (!(error instanceof ApiError) || error.status !== 400) return [];
  const body = error.body;
  const out: FieldProblem[] = [];
  const message = describeError(error);
  if (typeof body.field === 'string') out.push({ field: body.field, message });
  if (body.fields && typeof body.fields === 'object' && !Array.isArray(body.fields)) {
    for (const [field, m] of Object.entries(body.fields as Record<string, unknown>)) out.push({ field, message: typeof m === 'string' ? m : message });
  }
  for (const key of ['problems', 'errors', 'details'] as const) {
    const list = body[key];
    if (!Array.isArray(list)) continue;
    for (const p of list as Record<string, unknown>[]) {
      const field = p?.field ?? p?.path ?? p?.column;
      if (typeof field === 'string') out.push({ field, message: typeof p.message === 'string' ? chinesePart(p.message) : message });
    }
  }
  return out;
}

/** The form names a problem goes on: a column map problem on the items it names (in `items` or in its message). */
function namesOf(head: string, parts: string[], message: string, error: unknown): (string | number)[][] {
  if (head !== 'columnMap') return [[head]];
  if (parts.length > 1) return [['columnMap', parts.slice(1).join('.')]];
  const items = error instanceof ApiError && Array.isArray(error.body.items) ? (error.body.items as unknown[]).filter((i): i is string => typeof i === 'string') : [];
  if (items.length > 0) return items.map((item) => ['columnMap', item]);
  const named = /数据项“([^”]+)”/.exec(message)?.[1];
  return named ? [['columnMap', named]] : [];
}

function chinesePart(text: string): string {
  return /[(（]([^()（）]*[\u4e00-\u9fff][^()（）]*)[)）][.。]?\s*$/.exec(text)?.[1] ?? text;
}

/**
 * Puts a server validation error on the form fields it names (`sourceTable`, `columnMap.姓名`, `/columnMap/姓名`);
 * returns whether any field took it (the alert above the form still shows the whole message).
 */
export function showFieldErrors<V>(form: FormInstance<V>, error: unknown, known: readonly string[]): boolean {
  const problems = fieldProblems(error);
  const fields: { name: (string | number)[]; errors: string[] }[] = [];
  for (const p of problems) {
    const parts = p.field.replace(/^\/|^body\.?/, '').split(/[./]/).filter(Boolean);
    const head = parts[0];
    if (!head || !known.includes(head)) continue;
    for (const name of namesOf(head, parts, p.message, error)) fields.push({ name, errors: [p.message] });
  }
  if (fields.length > 0) form.setFields(fields as Parameters<FormInstance<V>['setFields']>[0]);
  return fields.length > 0;
}
