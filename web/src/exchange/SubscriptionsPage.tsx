import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Popconfirm, Space, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import type { SubscriptionStatus } from '@shared/exchange/flows.types';
import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { useCurrentUser } from '../auth/AuthContext';
import { hasRole } from '../shared/access';
import { describeError } from '../shared/errors';
import { MessageAlert } from '../shared/MessageAlert';
import { listPagination } from '../shared/pagination';
import { useRemoteData } from '../shared/useRemoteData';
import { FailureCount, SubscriptionStatusTag } from './flows-common';
import { flowsApi, type SubscriptionView } from './flows-api';
import { SubscriptionDrawer } from './SubscriptionDrawer';

const NO_SUBSCRIPTIONS: SubscriptionView[] = [];

/**
 * 数据订阅: a consumer department binds a grant it holds to a target on its own node, and the platform delivers
 * every batch of the resource there (granted items only, masked as granted). The provider sees, read-only, who
 * subscribes to its resources.
 */
export function SubscriptionsPage() {
  const me = useCurrentUser();
  const { message } = App.useApp();
  const isDeptAdmin = hasRole(me.roles, 'dept_admin');
  const isOversight = hasRole(me.roles, 'platform_admin') || hasRole(me.roles, 'auditor');
  const list = useRemoteData(flowsApi.subscriptions, NO_SUBSCRIPTIONS);
  const [side, setSide] = useState<'consumer' | 'provider'>('consumer');
  const [editing, setEditing] = useState<SubscriptionView | 'new' | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  // Opened from a notification (/exchange/subscriptions/:id): show the tab holding it, the row highlighted.
  const { id: focusId } = useParams();
  const focused = list.data.find((s) => s.id === focusId) ?? null;
  useEffect(() => {
    if (focused) setSide(focused.orgId === me.orgId ? 'consumer' : 'provider');
  }, [focused, me.orgId]);

  const owns = (s: SubscriptionView) => isDeptAdmin && s.orgId === me.orgId;
  const mine = list.data.filter((s) => s.orgId === me.orgId);
  const toUs = list.data.filter((s) => s.orgId !== me.orgId);
  const shown = isOversight ? list.data : side === 'consumer' ? mine : toUs;

  async function act(s: SubscriptionView, action: 'pause' | 'resume') {
    setBusy(`${action}-${s.id}`);
    try {
      if (action === 'pause') await flowsApi.pauseSubscription(s.id);
      else await flowsApi.resumeSubscription(s.id);
      message.success(`${action === 'pause' ? '已暂停' : '已恢复'}：${s.code}`);
      await list.reload();
    } catch (e) {
      message.error(describeError(e));
    } finally {
      setBusy(null);
    }
  }

  const columns: TableColumnsType<SubscriptionView> = [
    { title: '订阅编码', dataIndex: 'code', key: 'code', width: 110, fixed: 'left', render: (v: string) => <span className="mono" data-testid="sub-code">{v}</span> },
    {
      title: '信息资源',
      key: 'resource',
      width: 220,
      render: (_, s) => (
        <Space direction="vertical" size={0}>
          <span data-testid="sub-resource-name">{s.resourceName}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{s.providerName} · <span className="mono">{s.resourceCode}</span></Typography.Text>
        </Space>
      ),
    },
    ...(isOversight || side === 'provider' ? [{ title: '订阅部门', dataIndex: 'orgName', key: 'org', width: 130 }] : []),
    { title: '前置机', dataIndex: 'nodeName', key: 'node', width: 150 },
    {
      title: '目标',
      key: 'target',
      width: 180,
      render: (_, s) => (
        <Space direction="vertical" size={0}>
          <span data-testid="sub-target">{s.targetName}</span>
          <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>{s.targetTable}</Typography.Text>
        </Space>
      ),
    },
    {
      title: '状态',
      dataIndex: 'status',
      key: 'status',
      width: 140,
      render: (v: SubscriptionStatus, s) => (
        <Space direction="vertical" size={0}>
          <SubscriptionStatusTag status={v} />
          {v === 'stopped' && s.stoppedReason && <Typography.Text type="danger" style={{ fontSize: 12 }}>{s.stoppedReason}</Typography.Text>}
        </Space>
      ),
    },
    {
      title: '授权',
      key: 'grant',
      width: 120,
      render: (_, s) => (
        <Space direction="vertical" size={0}>
          {s.grantEffective ? <Tag color="green">有效</Tag> : <Tag color="red">已失效</Tag>}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>至 {s.grantValidTo}</Typography.Text>
        </Space>
      ),
    },
    {
      title: '投递序号',
      key: 'seq',
      width: 100,
      render: (_, s) => (
        <Space direction="vertical" size={0}>
          <span data-testid="sub-last-seq">{s.lastSeq}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>已回执 {s.appliedSeq}</Typography.Text>
        </Space>
      ),
    },
    { title: '连续失败', dataIndex: 'consecutiveFailures', key: 'failures', width: 90, render: (v: number) => <FailureCount value={v} /> },
    {
      title: '操作',
      key: 'actions',
      width: 150,
      fixed: 'right',
      render: (_, s) => owns(s) ? (
        <Space size={0}>
          {s.status !== 'stopped' && <Button type="link" size="small" onClick={() => setEditing(s)} data-testid="sub-edit">编辑</Button>}
          {s.status === 'active' && (
            <Popconfirm title="暂停订阅" description="暂停后平台不再向该订阅投递新批次。确定暂停？" okText="暂停" cancelText="取消" onConfirm={() => act(s, 'pause')}
              okButtonProps={{ ...({ 'data-testid': 'sub-pause-confirm' } as Record<string, string>) }}>
              <Button type="link" size="small" loading={busy === `pause-${s.id}`} data-testid="sub-pause">暂停</Button>
            </Popconfirm>
          )}
          {s.status === 'paused' && (
            <Button type="link" size="small" loading={busy === `resume-${s.id}`} onClick={() => void act(s, 'resume')} data-testid="sub-resume">恢复</Button>
          )}
        </Space>
      ) : null,
    },
  ];

  return (
    <Card title="数据订阅" data-testid="subscriptions-page">
      <Typography.Paragraph type="secondary">
        数据订阅把本部门获得的有效授权与本部门前置机上的目标库绑定：资源每有新批次，平台按授权范围（仅授权信息项，按授权脱敏）签名投递，前置机幂等写入目标表并回执。授权被撤销或到期时订阅自动停止。
      </Typography.Paragraph>
      {!isOversight && (
        <Tabs
          activeKey={side}
          onChange={(k) => setSide(k as 'consumer' | 'provider')}
          items={[
            { key: 'consumer', label: <span data-testid="sub-tab-consumer">本部门的订阅（{mine.length}）</span> },
            { key: 'provider', label: <span data-testid="sub-tab-provider">订阅本部门资源（{toUs.length}）</span> },
          ]}
        />
      )}
      <div className="page-toolbar">
        <Tag color="blue">{isOversight ? '全部部门' : me.orgName}</Tag>
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => void list.reload()}>刷新</Button>
          {isDeptAdmin && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="sub-create">新建订阅</Button>
          )}
        </Space>
      </div>
      <MessageAlert message={list.error} />
      <Table<SubscriptionView>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={shown}
        columns={columns}
        data-testid="subscriptions-table"
        rowClassName={(s) => (s.id === focusId ? 'ant-table-row-selected' : '')}
        scroll={{ x: 1450 }}
        locale={{ emptyText: side === 'provider' && !isOversight ? '暂无部门订阅本部门的资源' : '暂无订阅' }}
        pagination={listPagination('个订阅')}
      />
      <SubscriptionDrawer
        subscription={editing}
        onClose={() => setEditing(null)}
        onSaved={(saved, created) => {
          setEditing(null);
          setSide('consumer');
          message.success(created ? `已创建订阅：${saved.code}` : `已保存：${saved.code}`);
          void list.reload();
        }}
      />
    </Card>
  );
}
