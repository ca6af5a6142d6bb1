import { ReloadOutlined } from '@ant-design/icons';
import { Badge, Button, Card, List, Segmented, Space, Tag, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { describeError } from '../shared/errors';
import { formatTime } from '../shared/format';
import { MessageAlert } from '../shared/MessageAlert';
import { useRemoteData } from '../shared/useRemoteData';
import { announceNotificationsChanged, NOTIFICATION_KINDS, notificationsApi, type Notification, type NotificationPage } from './notifications-api';

const PAGE_SIZE = 20;
const EMPTY: NotificationPage = { items: [], total: 0, unread: 0 };

/** 消息中心: the user's messages, read and unread; opening one marks it read and follows its link. */
export function NotificationsPage() {
  const navigate = useNavigate();
  const [onlyUnread, setOnlyUnread] = useState(false);
  const [page, setPage] = useState(1);
  const fetch = useCallback(
    () => notificationsApi.list({ unread: onlyUnread || undefined, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    [onlyUnread, page],
  );
  const list = useRemoteData(fetch, EMPTY);
  const [error, setError] = useState<string | null>(null);

  async function open(n: Notification) {
    setError(null);
    try {
      if (!n.read) {
        await notificationsApi.markRead(n.id);
        announceNotificationsChanged();
      }
      if (n.link) navigate(n.link);
      else await list.reload();
    } catch (e) {
      setError(describeError(e));
    }
  }

  async function readAll() {
    setError(null);
    try {
      await notificationsApi.markAllRead();
      announceNotificationsChanged();
      await list.reload();
    } catch (e) {
      setError(describeError(e));
    }
  }

  return (
    <Card title="消息中心" data-testid="notifications-page">
      <div className="page-toolbar">
        <Space wrap>
          <Segmented
            value={onlyUnread ? 'unread' : 'all'}
            onChange={(v) => { setOnlyUnread(v === 'unread'); setPage(1); }}
            options={[{ value: 'all', label: '全部消息' }, { value: 'unread', label: '未读消息' }]}
            data-testid="notifications-filter"
          />
          <Typography.Text type="secondary" data-testid="notifications-unread">未读 {list.data.unread} 条</Typography.Text>
        </Space>
        <Space>
          <Button onClick={() => void readAll()} disabled={list.data.unread === 0} data-testid="notifications-read-all">全部已读</Button>
          <Button icon={<ReloadOutlined />} onClick={() => void list.reload()}>刷新</Button>
        </Space>
      </div>
      <MessageAlert message={error ?? list.error} />
      <List<Notification>
        loading={list.loading}
        dataSource={list.data.items}
        data-testid="notifications-list"
        locale={{ emptyText: onlyUnread ? '没有未读消息' : '暂无消息' }}
        pagination={list.data.total > PAGE_SIZE ? { current: page, pageSize: PAGE_SIZE, total: list.data.total, onChange: setPage, showSizeChanger: false } : false}
        renderItem={(n) => (
          <List.Item
            data-testid="notification-item"
            data-read={String(n.read)}
            data-kind={n.kind}
            style={{ cursor: n.link || !n.read ? 'pointer' : undefined, background: n.read ? undefined : '#f0f5ff', paddingInline: 12 }}
            onClick={() => void open(n)}
            extra={<Typography.Text type="secondary">{formatTime(n.createdAt)}</Typography.Text>}
          >
            <List.Item.Meta
              avatar={<Badge status={n.read ? 'default' : 'processing'} />}
              title={
                <Space>
                  <span style={{ fontWeight: n.read ? 400 : 600 }} data-testid="notification-title">{n.title}</span>
                  <Tag>{NOTIFICATION_KINDS[n.kind] ?? n.kind}</Tag>
                  {!n.read && <Tag color="blue">未读</Tag>}
                </Space>
              }
              description={n.body}
            />
          </List.Item>
        )}
      />
    </Card>
  );
}
