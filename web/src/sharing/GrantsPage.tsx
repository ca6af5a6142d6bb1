import { ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Descriptions, Drawer, Modal, Select, Space, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useCurrentUser } from '../auth/AuthContext';
import { hasRole } from '../shared/access';
import { ErrorAlert } from '../shared/ErrorAlert';
import { describeError } from '../shared/errors';
import { formatTime } from '../shared/format';
import { MessageAlert } from '../shared/MessageAlert';
import { useRemoteData } from '../shared/useRemoteData';
import { useSubmit } from '../shared/useSubmit';
import { GRANT_STATUS, GrantStatusTag, MaskingSummary } from './SharingTags';
import { sharingApi, type Grant } from './sharing-api';
import { listPagination } from '../shared/pagination';
import { ReasonInput } from '../shared/ReasonInput';

type Side = 'consumer' | 'provider' | 'all';
const EMPTY: Grant[] = [];

/**
 * 授权管理: 我获得的授权 (as consumer: 申请续期) and 我提供的授权 (as provider: 撤销 with a reason);
 * /sharing/grants/{id} (notification links) opens one grant.
 */
export function GrantsPage() {
  const me = useCurrentUser();
  const { id: openId = null } = useParams();
  const navigate = useNavigate();
  const member = hasRole(me.roles, 'dept_admin') || hasRole(me.roles, 'dept_user');
  const platform = hasRole(me.roles, 'platform_admin');
  const [side, setSide] = useState<Side>(member ? 'consumer' : 'all');
  const [status, setStatus] = useState<string | undefined>(undefined);
  const canRevoke = hasRole(me.roles, 'dept_admin') || platform;
  const fetch = useCallback(
    () => sharingApi.listGrants({ as: side === 'all' ? undefined : side, status }).then((r) => r.items),
    [side, status],
  );
  const list = useRemoteData(fetch, EMPTY);
  const [revoking, setRevoking] = useState<Grant | null>(null);
  const [renewing, setRenewing] = useState<Grant | null>(null);

  const columns: TableColumnsType<Grant> = [
    {
      title: '信息资源',
      key: 'resource',
      width: 200,
      render: (_, g) => (
        <Space direction="vertical" size={0}>
          <Link to={`/catalog/resources/${g.resourceId}`} data-testid="grant-resource">{g.resourceName}</Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{g.resourceCode}</Typography.Text>
        </Space>
      ),
    },
    ...(side !== 'provider' ? [{ title: '提供部门', dataIndex: 'providerName', key: 'provider', width: 170 }] : []),
    ...(side !== 'consumer' ? [{ title: '使用部门', dataIndex: 'consumerOrgName', key: 'consumer', width: 170 }] : []),
    { title: '使用系统', dataIndex: 'applicationName', key: 'app', width: 150 },
    {
      title: '信息项',
      key: 'items',
      render: (_, g) => (
        <span data-testid="grant-items">
          {g.items.map((item) => (
            <Tag key={item} style={{ marginBottom: 4 }}>{item}</Tag>
          ))}
        </span>
      ),
    },
    { title: '脱敏', key: 'masking', width: 200, render: (_, g) => <MaskingSummary masking={g.masking} testId="grant-masking" /> },
    { title: '有效期', key: 'period', width: 190, render: (_, g) => `${g.validFrom} 至 ${g.validTo}` },
    { title: '每日限额', dataIndex: 'dailyQuota', key: 'quota', width: 90, render: (v: number | null) => (v ? `${v} 次` : '不限') },
    {
      title: '状态',
      key: 'status',
      width: 110,
      render: (_, g) => (
        <Space direction="vertical" size={0}>
          <GrantStatusTag status={g.status} testId="grant-status" />
          {g.status === 'active' && !g.effective && <Typography.Text type="secondary" style={{ fontSize: 12 }}>未在有效期内</Typography.Text>}
          {g.revokedReason && <Typography.Text type="secondary" style={{ fontSize: 12 }} title={formatTime(g.revokedAt)}>{g.revokedReason}</Typography.Text>}
        </Space>
      ),
    },
    {
      title: '操作',
      key: 'actions',
      width: 110,
      fixed: 'right',
      render: (_, g) => (
        <Space size={0} direction="vertical">
          <Link to={`/sharing/requests/${g.requestId}`}>申请详情</Link>
          {side === 'consumer' && g.status !== 'revoked' && (
            <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setRenewing(g)} data-testid="grant-renew">申请续期</Button>
          )}
          {side !== 'consumer' && canRevoke && g.status === 'active' && (
            <Button type="link" size="small" danger style={{ padding: 0 }} onClick={() => setRevoking(g)} data-testid="grant-revoke">撤销</Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Card title="授权管理" data-testid="grants-page">
      <Tabs
        activeKey={side}
        onChange={(k) => setSide(k as Side)}
        items={[
          ...(member
            ? [
                { key: 'consumer', label: <span data-testid="grants-tab-consumer">我获得的授权</span> },
                { key: 'provider', label: <span data-testid="grants-tab-provider">我提供的授权</span> },
              ]
            : []),
          ...(platform ? [{ key: 'all', label: <span data-testid="grants-tab-all">全部授权（平台监督）</span> }] : []),
        ]}
      />
      <div className="page-toolbar">
        <Select
          allowClear
          placeholder="全部状态"
          value={status}
          onChange={(v: string | undefined) => setStatus(v)}
          options={Object.entries(GRANT_STATUS).map(([value, { label }]) => ({ value, label }))}
          style={{ width: 160 }}
          data-testid="grants-status"
        />
        <Button icon={<ReloadOutlined />} onClick={() => void list.reload()}>刷新</Button>
      </div>
      <MessageAlert message={list.error} />
      <Table<Grant>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.data}
        columns={columns}
        scroll={{ x: 1300 }}
        data-testid={`grants-table-${side}`}
        locale={{ emptyText: side === 'consumer' ? '本部门暂未获得授权' : side === 'provider' ? '本部门暂未向其他部门提供授权' : '暂无授权' }}
        pagination={listPagination()}
      />
      <RevokeModal grant={revoking} onClose={() => setRevoking(null)} onDone={() => { setRevoking(null); void list.reload(); }} />
      <GrantDrawer
        id={openId}
        onClose={() => navigate('/sharing/grants')}
        onLoaded={(g) => setSide(!member ? 'all' : g.consumerOrgId === me.orgId ? 'consumer' : 'provider')}
      />
      <RenewModal grant={renewing} onClose={() => setRenewing(null)} onDone={() => setRenewing(null)} />
    </Card>
  );
}

function RevokeModal({ grant, onClose, onDone }: { grant: Grant | null; onClose(): void; onDone(): void }) {
  const { message } = App.useApp();
  const [reason, setReason] = useState('');
  const { submitting, error, clearError, run } = useSubmit();
  // A fresh form for each grant opened (before the user types, unlike afterOpenChange).
  useEffect(() => {
    setReason('');
    clearError();
  }, [grant, clearError]);
  return (
    <Modal
      open={grant !== null}
      title={grant ? `撤销“${grant.consumerOrgName}”对“${grant.resourceName}”的授权` : ''}
      okText="确认撤销"
      cancelText="取消"
      confirmLoading={submitting}
      okButtonProps={{ danger: true, disabled: reason.trim() === '', ...({ 'data-testid': 'revoke-confirm' } as Record<string, string>) }}
      onCancel={onClose}
      destroyOnHidden
      onOk={() =>
        void run(async () => {
          await sharingApi.revokeGrant(grant!.id, reason.trim());
          message.success('已撤销授权');
          onDone();
        })
      }
    >
      <Typography.Paragraph type="secondary">撤销后使用部门立即不能再调用该资源，撤销理由将通知使用部门。</Typography.Paragraph>
      <ErrorAlert error={error} testId="revoke-error" />
      <ReasonInput value={reason} onChange={setReason} placeholder="撤销理由（必填）" testId="revoke-reason" />
    </Modal>
  );
}

function RenewModal({ grant, onClose, onDone }: { grant: Grant | null; onClose(): void; onDone(): void }) {
  const { message } = App.useApp();
  const [validTo, setValidTo] = useState<Dayjs | null>(null);
  const [reason, setReason] = useState('');
  const { submitting, error, clearError, run } = useSubmit();
  useEffect(() => {
    setValidTo(null);
    setReason('');
    clearError();
  }, [grant, clearError]);
  return (
    <Modal
      open={grant !== null}
      title={grant ? `申请续期“${grant.resourceName}”` : ''}
      okText="提交续期申请"
      cancelText="取消"
      confirmLoading={submitting}
      okButtonProps={{ disabled: !validTo || reason.trim() === '', ...({ 'data-testid': 'renew-confirm' } as Record<string, string>) }}
      onCancel={onClose}
      destroyOnHidden
      onOk={() =>
        void run(async () => {
          const created = await sharingApi.renewGrant(grant!.id, validTo!.format('YYYY-MM-DD'), reason.trim());
          message.success(created.status === 'approved' ? '续期已生效' : '续期申请已提交，等待提供部门审核');
          onDone();
        })
      }
    >
      <Typography.Paragraph type="secondary">当前有效期至 {grant?.validTo}。续期申请按共享申请流程审核，同意后授权截止日期延长。</Typography.Paragraph>
      <ErrorAlert error={error} testId="renew-error" />
      <Space direction="vertical" style={{ width: '100%' }}>
        <DatePicker
          value={validTo}
          onChange={setValidTo}
          placeholder="新的截止日期"
          disabledDate={(d) => !!grant && !d.isAfter(dayjs(grant.validTo), 'day')}
          style={{ width: 220 }}
          data-testid="renew-valid-to"
        />
        <ReasonInput value={reason} onChange={setReason} placeholder="续期理由（必填）" testId="renew-reason" />
      </Space>
    </Modal>
  );
}

function GrantDrawer({ id, onClose, onLoaded }: { id: string | null; onClose(): void; onLoaded(g: Grant): void }) {
  const [grant, setGrant] = useState<Grant | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setGrant(null);
    setError(null);
    if (!id) return;
    let cancelled = false;
    sharingApi.getGrant(id).then(
      (g) => {
        if (cancelled) return;
        setGrant(g);
        onLoaded(g);
      },
      (e: unknown) => !cancelled && setError(describeError(e)),
    );
    return () => {
      cancelled = true;
    };
    // onLoaded only picks the tab: loading once per id is enough.
  }, [id]);

  const g = grant;
  return (
    <Drawer open={id !== null} onClose={onClose} size={640} title="授权详情" destroyOnHidden data-testid="grant-drawer">
      <MessageAlert message={error} />
      {g && (
        <Descriptions bordered size="small" column={1}>
          <Descriptions.Item label="信息资源"><Link to={`/catalog/resources/${g.resourceId}`}>{g.resourceName}</Link>（{g.resourceCode}）</Descriptions.Item>
          <Descriptions.Item label="提供部门">{g.providerName}</Descriptions.Item>
          <Descriptions.Item label="使用部门">{g.consumerOrgName}</Descriptions.Item>
          <Descriptions.Item label="使用系统">{g.applicationName}</Descriptions.Item>
          <Descriptions.Item label="信息项">{g.items.map((item) => <Tag key={item}>{item}</Tag>)}</Descriptions.Item>
          <Descriptions.Item label="脱敏规则"><MaskingSummary masking={g.masking} /></Descriptions.Item>
          <Descriptions.Item label="有效期">{g.validFrom} 至 {g.validTo}</Descriptions.Item>
          <Descriptions.Item label="每日调用限额">{g.dailyQuota ? `${g.dailyQuota} 次` : '不限'}</Descriptions.Item>
          <Descriptions.Item label="状态"><GrantStatusTag status={g.status} />{g.status === 'active' && !g.effective && '（未在有效期内）'}</Descriptions.Item>
          {g.revokedAt && <Descriptions.Item label="撤销">{formatTime(g.revokedAt)} · {g.revokedReason}</Descriptions.Item>}
          <Descriptions.Item label="授权时间">{formatTime(g.createdAt)}</Descriptions.Item>
          <Descriptions.Item label="申请"><Link to={`/sharing/requests/${g.requestId}`}>查看共享申请</Link></Descriptions.Item>
        </Descriptions>
      )}
    </Drawer>
  );
}
