import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Badge, Button, Card, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useCurrentUser } from '../auth/AuthContext';
import { hasRole } from '../shared/access';
import { ErrorAlert } from '../shared/ErrorAlert';
import { describeError } from '../shared/errors';
import { formatTime } from '../shared/format';
import { MessageAlert } from '../shared/MessageAlert';
import { listPagination } from '../shared/pagination';
import { ReasonInput } from '../shared/ReasonInput';
import { ShowOnceSecret } from '../shared/ShowOnceSecret';
import { useRemoteData } from '../shared/useRemoteData';
import { useSubmit } from '../shared/useSubmit';
import { exchangeApi, ZONES, type CreatedToken, type EnrolmentToken, type ExchangeNode, type NodeStatus, type TokenState, type Zone } from './exchange-api';

const NO_NODES: ExchangeNode[] = [];
const NO_TOKENS: EnrolmentToken[] = [];
const noTokens = () => Promise.resolve(NO_TOKENS);

export const NODE_STATUS: Record<NodeStatus, { label: string; color: string }> = {
  pending: { label: '待审核', color: 'gold' },
  approved: { label: '已批准', color: 'green' },
  rejected: { label: '已驳回', color: 'red' },
  revoked: { label: '已吊销', color: 'default' },
};

const TOKEN_STATE: Record<TokenState, { label: string; color: string }> = {
  active: { label: '未使用', color: 'blue' },
  used: { label: '已使用', color: 'green' },
  expired: { label: '已过期', color: 'default' },
  revoked: { label: '已撤销', color: 'default' },
};

/** 前置机管理: the department admin issues enrolment tokens; the platform admin approves, rejects and revokes nodes. */
export function NodesPage() {
  const me = useCurrentUser();
  const { message } = App.useApp();
  const isPlatform = hasRole(me.roles, 'platform_admin');
  const isDeptAdmin = hasRole(me.roles, 'dept_admin');
  const nodes = useRemoteData(exchangeApi.nodes, NO_NODES);
  const tokens = useRemoteData(isDeptAdmin ? exchangeApi.tokens : noTokens, NO_TOKENS);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [deciding, setDeciding] = useState<{ node: ExchangeNode; action: 'reject' | 'revoke' } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  async function reloadAll() {
    await Promise.all([nodes.reload(), tokens.reload()]);
  }

  async function approve(node: ExchangeNode) {
    setBusy(`approve-${node.id}`);
    try {
      const approved = await exchangeApi.approve(node.id);
      message.success(`已批准：${node.name}（节点编码 ${approved.code ?? ''}）`);
      await nodes.reload();
    } catch (e) {
      message.error(describeError(e));
    } finally {
      setBusy(null);
    }
  }

  async function revokeToken(token: EnrolmentToken) {
    setBusy(`token-${token.id}`);
    try {
      await exchangeApi.revokeToken(token.id);
      message.success(`已撤销令牌：${token.nodeName}`);
      await tokens.reload();
    } catch (e) {
      message.error(describeError(e));
    } finally {
      setBusy(null);
    }
  }

  const nodeColumns: TableColumnsType<ExchangeNode> = [
    { title: '节点编码', dataIndex: 'code', key: 'code', width: 200, render: (v: string | null) => (v ? <span className="mono" data-testid="node-code">{v}</span> : <Typography.Text type="secondary">—</Typography.Text>) },
    { title: '名称', dataIndex: 'name', key: 'name', render: (v: string) => <span data-testid="node-name">{v}</span> },
    { title: '所属部门', dataIndex: 'orgName', key: 'org', width: 140 },
    { title: '网络区域', dataIndex: 'zone', key: 'zone', width: 100 },
    {
      title: '注册状态',
      dataIndex: 'status',
      key: 'status',
      width: 100,
      render: (v: NodeStatus, n) => (
        <Space direction="vertical" size={0}>
          <Tag color={NODE_STATUS[v].color} data-testid="node-status">{NODE_STATUS[v].label}</Tag>
          {v === 'rejected' && n.rejectReason && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{n.rejectReason}</Typography.Text>}
          {v === 'revoked' && n.revokeReason && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{n.revokeReason}</Typography.Text>}
        </Space>
      ),
    },
    {
      title: '在线状态',
      key: 'online',
      width: 170,
      render: (_: unknown, n) => (
        <Space direction="vertical" size={0}>
          <span data-testid="node-online">{n.online ? <Badge status="success" text="在线" /> : <Badge status="default" text="离线" />}</span>
          {n.online && n.lastStatus === 'degraded' && (
            <Typography.Text type="warning" style={{ fontSize: 12 }} data-testid="node-degraded">降级：{n.lastDetail ?? '前置机报告异常'}</Typography.Text>
          )}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>最近心跳：{n.lastHeartbeatAt ? formatTime(n.lastHeartbeatAt) : '无'}</Typography.Text>
        </Space>
      ),
    },
    { title: '版本', key: 'version', width: 100, render: (_: unknown, n) => n.lastVersion ?? n.version },
    { title: '积压', dataIndex: 'lastBacklog', key: 'backlog', width: 70, render: (v: number | null) => v ?? '—' },
    ...(isPlatform
      ? [{
          title: '操作',
          key: 'actions',
          width: 150,
          render: (_: unknown, n: ExchangeNode) => (
            <Space size={0}>
              {n.status === 'pending' && (
                <>
                  <Popconfirm
                    title="批准前置机"
                    description="批准后将分配节点编码，前置机可开始心跳和交换。确定批准？"
                    okText="批准"
                    cancelText="取消"
                    onConfirm={() => approve(n)}
                    okButtonProps={{ ...({ 'data-testid': 'node-approve-confirm' } as Record<string, string>) }}
                  >
                    <Button type="link" size="small" loading={busy === `approve-${n.id}`} data-testid="node-approve">批准</Button>
                  </Popconfirm>
                  <Button type="link" size="small" danger onClick={() => setDeciding({ node: n, action: 'reject' })} data-testid="node-reject">驳回</Button>
                </>
              )}
              {n.status === 'approved' && (
                <Button type="link" size="small" danger onClick={() => setDeciding({ node: n, action: 'revoke' })} data-testid="node-revoke">吊销</Button>
              )}
            </Space>
          ),
        }]
      : []),
  ];

  const tokenColumns: TableColumnsType<EnrolmentToken> = [
    { title: '前置机名称', dataIndex: 'nodeName', key: 'name', render: (v: string) => <span data-testid="token-name">{v}</span> },
    { title: '网络区域', dataIndex: 'zone', key: 'zone', width: 100 },
    { title: '状态', dataIndex: 'state', key: 'state', width: 90, render: (v: TokenState) => <Tag color={TOKEN_STATE[v].color} data-testid="token-state">{TOKEN_STATE[v].label}</Tag> },
    { title: '创建时间', dataIndex: 'createdAt', key: 'createdAt', width: 170, render: formatTime },
    { title: '有效期至', dataIndex: 'expiresAt', key: 'expiresAt', width: 170, render: formatTime },
    { title: '使用时间', dataIndex: 'usedAt', key: 'usedAt', width: 170, render: formatTime },
    {
      title: '操作',
      key: 'actions',
      width: 80,
      render: (_: unknown, t) =>
        t.state === 'active' ? (
          <Popconfirm
            title="撤销令牌"
            description="撤销后该令牌不能再用于注册。确定撤销？"
            okText="撤销"
            cancelText="取消"
            okButtonProps={{ danger: true, ...({ 'data-testid': 'token-revoke-confirm' } as Record<string, string>) }}
            onConfirm={() => revokeToken(t)}
          >
            <Button type="link" size="small" danger loading={busy === `token-${t.id}`} data-testid="token-revoke">撤销</Button>
          </Popconfirm>
        ) : null,
    },
  ];

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card title="前置机管理" data-testid="nodes-page">
        <Typography.Paragraph type="secondary">
          前置机是部署在各部门的数据交换节点。部门管理员生成一次性注册令牌，前置机持令牌和自己的 SM2 公钥注册，经平台管理员批准后分配节点编码，并定期上报心跳。
        </Typography.Paragraph>
        <div className="page-toolbar">
          <Tag color="blue">{isPlatform ? '全部部门' : me.orgName}</Tag>
          <Space>
            <Button icon={<ReloadOutlined />} onClick={() => void reloadAll()}>刷新</Button>
            {isDeptAdmin && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="token-create">生成注册令牌</Button>
            )}
          </Space>
        </div>
        <MessageAlert message={nodes.error} />
        <Table<ExchangeNode>
          rowKey="id"
          size="middle"
          loading={nodes.loading}
          dataSource={nodes.data}
          columns={nodeColumns}
          data-testid="nodes-table"
          locale={{ emptyText: isPlatform ? '暂无前置机' : '本部门暂无前置机' }}
          pagination={listPagination('台前置机')}
        />
      </Card>
      {isDeptAdmin && (
        <Card title="注册令牌" data-testid="tokens-card">
          <MessageAlert message={tokens.error} />
          <Table<EnrolmentToken>
            rowKey="id"
            size="middle"
            loading={tokens.loading}
            dataSource={tokens.data}
            columns={tokenColumns}
            data-testid="tokens-table"
            locale={{ emptyText: '本部门暂无注册令牌' }}
            pagination={listPagination('个令牌')}
          />
        </Card>
      )}
      <CreateTokenModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(token) => {
          setCreating(false);
          setCreated(token);
          void tokens.reload();
        }}
      />
      <TokenDialog token={created} onClose={() => setCreated(null)} />
      <DecisionModal
        decision={deciding}
        onClose={() => setDeciding(null)}
        onDone={(node, action) => {
          setDeciding(null);
          message.success(`${action === 'reject' ? '已驳回' : '已吊销'}：${node.name}`);
          void nodes.reload();
        }}
      />
    </Space>
  );
}

function CreateTokenModal({ open, onClose, onCreated }: { open: boolean; onClose(): void; onCreated(token: CreatedToken): void }) {
  const [form] = Form.useForm<{ nodeName: string; zone: Zone; expiresInHours: number }>();
  const { submitting, error, clearError, runValidated } = useSubmit();
  useEffect(() => {
    if (open) {
      form.resetFields();
      clearError();
    }
  }, [open, form, clearError]);
  return (
    <Modal
      open={open}
      title="生成注册令牌"
      okText="生成"
      cancelText="取消"
      confirmLoading={submitting}
      onCancel={onClose}
      okButtonProps={{ ...({ 'data-testid': 'token-create-submit' } as Record<string, string>) }}
      onOk={() =>
        void runValidated(form, async (values) => {
          onCreated(await exchangeApi.createToken({ nodeName: values.nodeName.trim(), zone: values.zone, expiresInHours: values.expiresInHours }));
        })
      }
      forceRender
    >
      <ErrorAlert error={error} testId="token-create-error" />
      <Form form={form} layout="vertical" initialValues={{ zone: '政务外网', expiresInHours: 24 }}>
        <Form.Item label="前置机名称" name="nodeName" rules={[{ required: true, whitespace: true, message: '请输入前置机名称' }, { max: 100, message: '不超过 100 个字' }]}>
          <Input placeholder="如：公安局政务外网前置机" data-testid="token-node-name" />
        </Form.Item>
        <Form.Item label="网络区域" name="zone" rules={[{ required: true, message: '请选择网络区域' }]}>
          <Select options={ZONES.map((z) => ({ value: z, label: z }))} data-testid="token-zone" />
        </Form.Item>
        <Form.Item label="有效期（小时）" name="expiresInHours" rules={[{ required: true, message: '请输入有效期' }]} extra="1–168 小时，令牌只能使用一次">
          <InputNumber min={1} max={168} precision={0} style={{ width: 160 }} data-testid="token-hours" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function TokenDialog({ token, onClose }: { token: CreatedToken | null; onClose(): void }) {
  return (
    <ShowOnceSecret
      open={token !== null}
      title="注册令牌已生成"
      warning="令牌只显示这一次，关闭后无法再次查看"
      warningDetail="请立即复制并交给前置机运维人员；平台只保存令牌的摘要。"
      fields={token ? [{ key: 'token', label: '注册令牌', value: token.token, testId: 'token-value' }] : []}
      closeText="我已保存"
      closeTestId="token-dialog-close"
      onClose={onClose}
    >
      {token && (
        <>
          <Typography.Text type="secondary">有效期至 {formatTime(token.expiresAt)}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            前置机使用该令牌和自己的 SM2 公钥调用 <Typography.Text code>POST /api/v1/exchange/enrol</Typography.Text> 完成注册，之后等待平台管理员批准。
          </Typography.Text>
        </>
      )}
    </ShowOnceSecret>
  );
}

function DecisionModal({ decision, onClose, onDone }: {
  decision: { node: ExchangeNode; action: 'reject' | 'revoke' } | null;
  onClose(): void;
  onDone(node: ExchangeNode, action: 'reject' | 'revoke'): void;
}) {
  const [reason, setReason] = useState('');
  const { submitting, error, clearError, run } = useSubmit();
  useEffect(() => {
    if (decision) {
      setReason('');
      clearError();
    }
  }, [decision, clearError]);
  const isReject = decision?.action === 'reject';
  return (
    <Modal
      open={decision !== null}
      title={isReject ? `驳回前置机：${decision?.node.name ?? ''}` : `吊销前置机：${decision?.node.name ?? ''}`}
      okText={isReject ? '驳回' : '吊销'}
      cancelText="取消"
      confirmLoading={submitting}
      onCancel={onClose}
      okButtonProps={{ danger: true, disabled: reason.trim() === '', ...({ 'data-testid': 'node-decision-submit' } as Record<string, string>) }}
      onOk={() => {
        if (!decision) return;
        void run(async () => {
          const { node, action } = decision;
          if (action === 'reject') await exchangeApi.reject(node.id, reason.trim());
          else await exchangeApi.revoke(node.id, reason.trim());
          onDone(node, action);
        });
      }}
    >
      <ErrorAlert error={error} testId="node-decision-error" />
      <Typography.Paragraph type="secondary">
        {isReject ? '驳回后该前置机不能再使用；部门需重新生成令牌、前置机用新密钥重新注册。' : '吊销后该前置机的所有签名请求将被拒绝，节点编码不再复用。'}
      </Typography.Paragraph>
      <ReasonInput value={reason} onChange={setReason} placeholder={isReject ? '驳回原因（必填）' : '吊销原因（必填）'} testId="node-decision-reason" />
    </Modal>
  );
}
