import { Tag } from 'antd';
import { SHARE_TYPE_COLORS, statusColor, statusLabel } from './catalog-constants';

/** 草稿 / 待审核 / 已退回 / 已发布 / 已下架 (and 已被替代 for versions). */
export function StatusTag({ status, testId }: { status: string; testId?: string }) {
  return (
    <Tag color={statusColor(status)} data-testid={testId} data-status={status}>
      {statusLabel(status)}
    </Tag>
  );
}

/** 无条件共享 / 有条件共享 / 不予共享; 不予共享 also says the resource cannot be requested. */
export function ShareTypeTag({ shareType, testId }: { shareType: string; testId?: string }) {
  return (
    <Tag color={SHARE_TYPE_COLORS[shareType] ?? 'default'} data-testid={testId}>
      {shareType}
    </Tag>
  );
}
