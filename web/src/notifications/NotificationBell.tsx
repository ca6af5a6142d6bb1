import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Tooltip } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { NOTIFICATIONS_CHANGED, notificationsApi } from './notifications-api';

const POLL_MS = 60_000;

/** The header's bell: unread messages, counted every minute, on every navigation and when messages are read. */
export function NotificationBell() {
  const navigate = useNavigate();
  const location = useLocation();
  const [unread, setUnread] = useState(0);

  const count = useCallback(async () => {
    try {
      const page = await notificationsApi.list({ unread: true, limit: 1 });
      setUnread(page.unread);
    } catch {
      // The bell stays as it was; the pages report their own errors.
    }
  }, []);

  useEffect(() => {
    void count();
  }, [count, location.pathname]);

  useEffect(() => {
    const timer = window.setInterval(() => void count(), POLL_MS);
    const onChanged = () => void count();
    window.addEventListener(NOTIFICATIONS_CHANGED, onChanged);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener(NOTIFICATIONS_CHANGED, onChanged);
    };
  }, [count]);

  return (
    <Tooltip title={unread > 0 ? `${unread} 条未读消息` : '消息中心'}>
      <Badge count={unread} size="small" overflowCount={99} data-testid="notification-count">
        <Button
          type="text"
          icon={<BellOutlined style={{ fontSize: 18 }} />}
          onClick={() => navigate('/notifications')}
          className="app-logout"
          aria-label="消息中心"
          data-testid="notification-bell"
          data-unread={unread}
        />
      </Badge>
    </Tooltip>
  );
}
