export {
  createNotificationsService, notify, type NotificationInput, type NotificationRecipient, type NotificationsService, type NotificationView,
} from './notifications.service.js';
export { notificationsRoutes } from './notifications.routes.js';
