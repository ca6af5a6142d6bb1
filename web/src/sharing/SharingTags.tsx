import { Tag, Typography } from 'antd';
import { MASKING_KINDS } from '@shared/sharing/masking';
import type { Deadline, MaskingRule } from './sharing-api';

/** Labels and tags of the sharing workflow (docs/sharing-api.md). */

export const REQUEST_STATUS: Record<string, { label: string; color: string }> = {
  pending: { label: '待审核', color: 'gold' },
  second_review: { label: '待复核', color: 'orange' },
  approved: { label: '已同意', color: 'green' },
  refused: { label: '已拒绝', color: 'red' },
  withdrawn: { label: '已撤回', color: 'default' },
};

export const GRANT_STATUS: Record<string, { label: string; color: string }> = {
  active: { label: '有效', color: 'green' },
  revoked: { label: '已撤销', color: 'red' },
  expired: { label: '已过期', color: 'default' },
};

export const REPORT_STATUS: Record<string, { label: string; color: string }> = {
  open: { label: '待处理', color: 'gold' },
  confirmed: { label: '已确认（将更正）', color: 'blue' },
  corrected: { label: '已更正', color: 'green' },
  rejected: { label: '不是错误', color: 'default' },
};

/**
 * Short names of the server's masking kinds (MASKING_KINDS), for the decision's select and the grant's summary;
 * the server's MASKING_LABELS describe each rule in full.
 */
export const MASKING_LABELS: Record<MaskingRule, string> = {
  name: '姓名',
  idNumber: '证件号码',
  mobile: '手机号码',
  address: '地址',
  bankCard: '银行卡号',
  hide: '不提供',
};

export const MASKING_OPTIONS = MASKING_KINDS.map((value) => ({ value, label: MASKING_LABELS[value] }));


/** History actions of share requests, grants and error reports. */
export const HISTORY_ACTIONS: Record<string, string> = {
  created: '提交申请',
  submitted: '提交',
  requested: '提交申请',
  auto_approved: '无条件共享，自动授权',
  granted: '授权生效',
  approved: '同意',
  provider_approved: '提供方同意，待平台复核',
  second_review: '提交平台复核',
  forwarded: '提供部门同意，提交平台复核',
  refused: '拒绝',
  withdrawn: '撤回',
  attachment_added: '上传附件',
  renewal_requested: '申请续期',
  revoked: '撤销授权',
  expired: '授权过期',
  overdue: '办理超期',
  replied: '答复',
  confirmed: '已确认（将更正）',
  corrected: '已更正',
  rejected: '不是错误',
  reported: '提交纠错',
};

export const historyLabel = (action: string) => HISTORY_ACTIONS[action] ?? action;

function StatusTagOf({ map, status, testId }: { map: Record<string, { label: string; color: string }>; status: string; testId?: string }) {
  const entry = map[status];
  return (
    <Tag color={entry?.color ?? 'default'} data-testid={testId} data-status={status}>
      {entry?.label ?? status}
    </Tag>
  );
}

export const RequestStatusTag = (props: { status: string; testId?: string }) => <StatusTagOf map={REQUEST_STATUS} {...props} />;
export const GrantStatusTag = (props: { status: string; testId?: string }) => <StatusTagOf map={GRANT_STATUS} {...props} />;
export const ReportStatusTag = (props: { status: string; testId?: string }) => <StatusTagOf map={REPORT_STATUS} {...props} />;

/** 剩余 N 个工作日, or 已超期 N 个工作日 in red; a dash once the item is no longer waiting. */
export function DeadlineCountdown({ value, testId = 'deadline-countdown' }: { value: Deadline; testId?: string }) {
  const left = value.workingDaysLeft;
  if (left === null || left === undefined) return <span data-testid={testId}>-</span>;
  if (value.overdue || left < 0) {
    const late = Math.abs(left);
    return (
      <Typography.Text type="danger" strong data-testid={testId} data-overdue="true">
        {late > 0 ? `已超期 ${late} 个工作日` : '已超期'}
      </Typography.Text>
    );
  }
  return (
    <Typography.Text type={left <= 1 ? 'warning' : undefined} data-testid={testId} data-overdue="false">
      {left === 0 ? '今日到期' : `剩余 ${left} 个工作日`}
    </Typography.Text>
  );
}

/**
 * A deadline as a date in China Standard Time: the API may send a date or the instant the deadline ends
 * (e.g. 2026-12-04T15:59:59.999Z = 2026-12-04 23:59:59 CST).
 */
export function deadlineDate(value: string | null | undefined): string {
  if (!value) return '-';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const t = Date.parse(value);
  return Number.isNaN(t) ? value : new Date(t + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Sorts waiting items first, most urgent (fewest working days left) first, then the newest. */
export function byUrgency<T extends Deadline & { createdAt: string }>(a: T, b: T): number {
  const la = a.workingDaysLeft ?? Number.POSITIVE_INFINITY;
  const lb = b.workingDaysLeft ?? Number.POSITIVE_INFINITY;
  if (la !== lb) return la - lb;
  return b.createdAt.localeCompare(a.createdAt);
}

/** "公民身份号码：证件号码；姓名：姓名" */
export function MaskingSummary({ masking, testId }: { masking: Record<string, MaskingRule> | null | undefined; testId?: string }) {
  const entries = Object.entries(masking ?? {});
  if (entries.length === 0) return <span data-testid={testId}>不脱敏</span>;
  return (
    <span data-testid={testId}>
      {entries.map(([item, rule]) => (
        <Tag key={item} color={rule === 'hide' ? 'red' : 'purple'} style={{ marginBottom: 4 }}>
          {item}：{MASKING_LABELS[rule] ?? rule}
        </Tag>
      ))}
    </span>
  );
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
