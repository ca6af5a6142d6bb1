/**
 * Notification (消息中心) types without server imports, shared with the console (web/ imports them as
 * `@shared/notifications/notifications.types`).
 */

/** One message as GET /api/v1/notifications lists it. */
export interface NotificationView {
  id: string;
  kind: string;
  title: string;
  body: string;
  /** A console path, for example `/sharing/requests/<id>`, or null. */
  link: string | null;
  createdAt: string;
  read: boolean;
}
