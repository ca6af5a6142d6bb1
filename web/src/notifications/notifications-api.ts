import { api } from '../api/client';
import type { NotificationView } from '@shared/notifications/notifications.types';

/** 消息中心: /api/v1/notifications (docs/sharing-api.md); a message is the server's NotificationView. */

export type Notification = NotificationView;

export interface NotificationPage {
  items: Notification[];
  total: number;
  unread: number;
}

/** Fired (on window) when messages were read, so the header's bell counts again at once. */
export const NOTIFICATIONS_CHANGED = 'govshare:notifications-changed';

export function announceNotificationsChanged(): void {
  window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
}

export const notificationsApi = {
  list: (query: { unread?: boolean; limit?: number; offset?: number }) => api.get<NotificationPage>('/notifications', { ...query }),
  markRead: (id: string) => api.post<void>(`/notifications/${encodeURIComponent(id)}/read`),
  markAllRead: () => api.post<void>('/notifications/read-all'),
};

export const NOTIFICATION_KINDS: Record<string, string> = {
  'share_request.created': '新的共享申请',
  'share_request.withdrawn': '申请已撤回',
  'share_request.decided': '共享申请已答复',
  'share_request.second_review': '待平台复核',
  'share_request.due_soon': '申请即将到期',
  'share_request.overdue': '申请办理超期',
  'grant.revoked': '授权已撤销',
  'grant.expiring': '授权即将到期',
  'grant.expired': '授权已过期',
  'error_report.created': '新的数据纠错',
  'error_report.replied': '纠错已答复',
  'error_report.overdue': '纠错办理超期',
};
