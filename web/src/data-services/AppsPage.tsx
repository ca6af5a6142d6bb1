import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Form, Input, Modal, Popconfirm, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useCurrentUser } from '../auth/AuthContext';
import { hasRole } from '../shared/access';
import { ErrorAlert } from '../shared/ErrorAlert';
import { describeError } from '../shared/errors';
import { formatTime } from '../shared/format';
import { MessageAlert } from '../shared/MessageAlert';
import { listPagination } from '../shared/pagination';
import { useRemoteData } from '../shared/useRemoteData';
import { useSubmit } from '../shared/useSubmit';
import { ShowOnceSecret } from '../shared/ShowOnceSecret';
import { dataServicesApi, type AppSecret, type AppView } from './data-services-api';

const EMPTY: AppView[] = [];

export const APP_STATUS: Record<AppView['status'], { label: string; color: string }> = {
  active: { label: '启用', color: 'green' },
  disabled: { label: '已停用', color: 'default' },
};

/** 应用管理: the department's applications calling the data API; the dept_admin creates, rotates, disables. */
export function AppsPage() {
  const me = useCurrentUser();
  const { message } = App.useApp();
  const canManage = hasRole(me.roles, 'dept_admin');
  const list = useRemoteData(dataServicesApi.apps, EMPTY);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ title: string; value: AppSecret } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  async function act(app: AppView, action: 'rotate' | 'disable' | 'enable') {
    setBusy(`${action}-${app.id}`);
    try {
      if (action === 'rotate') {
        const result = await dataServicesApi.rotateSecret(app.id);
        setSecret({ title: `已重置“${app.name}”的密钥`, value: result });
      } else if (action === 'disable') {
        await dataServicesApi.disableApp(app.id);
        message.success(`已停用：${app.name}`);
      } else {
        await dataServicesApi.enableApp(app.id);
        message.success(`已启用：${app.name}`);
      }
      await list.reload();
    } catch (e) {
      message.error(describeError(e));
    } finally {
      setBusy(null);
    }
  }

  const columns: TableColumnsType<AppView> = [
    {
      title: '应用名称',
      dataIndex: 'name',
      key: 'name',
      render: (name: string, a) => (
        <Space direction="vertical" size={0}>
          <span data-testid="app-name">{name}</span>
          {a.description && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{a.description}</Typography.Text>}
        </Space>
      ),
    },
    ...(hasRole(me.roles, 'platform_admin') ? [{ title: '所属部门', dataIndex: 'orgName', key: 'org', width: 180 }] : []),
    {
      title: 'App Key',
      dataIndex: 'appKey',
      key: 'appKey',
      width: 300,
      render: (v: string) => <Typography.Text className="mono" copyable={{ text: v, tooltips: ['复制', '已复制'] }}><span data-testid="app-key">{v}</span></Typography.Text>,
    },
    { title: '状态', dataIndex: 'status', key: 'status', width: 90, render: (v: AppView['status']) => <Tag color={APP_STATUS[v].color} data-testid="app-status">{APP_STATUS[v].label}</Tag> },
    { title: '创建时间', dataIndex: 'createdAt', key: 'createdAt', width: 170, render: formatTime },
    { title: '密钥重置时间', dataIndex: 'secretRotatedAt', key: 'rotated', width: 170, render: formatTime },
    ...(canManage
      ? [{
          title: '操作',
          key: 'actions',
          width: 170,
          render: (_: unknown, a: AppView) => (
            <Space size={0}>
              <Popconfirm
                title="重置密钥"
                description="重置后旧密钥立即失效，使用该应用的系统需更换为新密钥。确定重置？"
                okText="重置"
                cancelText="取消"
                onConfirm={() => act(a, 'rotate')}
                okButtonProps={{ ...({ 'data-testid': 'app-rotate-confirm' } as Record<string, string>) }}
              >
                <Button type="link" size="small" loading={busy === `rotate-${a.id}`} data-testid="app-rotate">重置密钥</Button>
              </Popconfirm>
              {a.status === 'active' ? (
                <Popconfirm
                  title="停用应用"
                  description="停用后该应用的所有调用将被拒绝。确定停用？"
                  okText="停用"
                  cancelText="取消"
                  okButtonProps={{ danger: true, ...({ 'data-testid': 'app-disable-confirm' } as Record<string, string>) }}
                  onConfirm={() => act(a, 'disable')}
                >
                  <Button type="link" size="small" danger loading={busy === `disable-${a.id}`} data-testid="app-disable">停用</Button>
                </Popconfirm>
              ) : (
                <Button type="link" size="small" loading={busy === `enable-${a.id}`} onClick={() => void act(a, 'enable')} data-testid="app-enable">启用</Button>
              )}
            </Space>
          ),
        }]
      : []),
  ];

  return (
    <Card title="应用管理" data-testid="apps-page">
      <Typography.Paragraph type="secondary">
        应用是调用数据接口的业务系统。每个应用有 App Key 和 App Secret，调用时用密钥对请求签名（HMAC-SM3）。本部门获得的授权可由本部门任一应用使用，也可在“数据服务资源”中限定为某一应用。
      </Typography.Paragraph>
      <div className="page-toolbar">
        <Tag color="blue">{me.orgName}</Tag>
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => void list.reload()}>刷新</Button>
          {canManage && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="app-create">新建应用</Button>
          )}
        </Space>
      </div>
      <MessageAlert message={list.error} />
      <Table<AppView>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.data}
        columns={columns}
        data-testid="apps-table"
        locale={{ emptyText: '本部门暂无应用' }}
        pagination={listPagination('个应用')}
      />
      <CreateAppModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          setCreating(false);
          setSecret({ title: '应用已创建', value: created });
          void list.reload();
        }}
      />
      <ShowOnceSecret
        open={secret !== null}
        title={secret?.title ?? ''}
        warning="请立即保存，关闭后无法再次查看"
        warningDetail="密钥只在此处显示一次，平台不保存明文；遗失后只能重置密钥。"
        fields={secret ? [
          { key: 'name', label: '应用名称', value: secret.value.app?.name ?? '', testId: 'secret-app-name', plain: true },
          { key: 'key', label: 'App Key', value: secret.value.appKey, testId: 'secret-app-key' },
          { key: 'secret', label: 'App Secret', value: secret.value.appSecret, testId: 'secret-app-secret', copyTestId: 'secret-copy' },
        ] : []}
        testId="secret-dialog"
        warningTestId="secret-warning"
        closeTestId="secret-close"
        onClose={() => setSecret(null)}
      />
    </Card>
  );
}

function CreateAppModal({ open, onClose, onCreated }: { open: boolean; onClose(): void; onCreated(created: AppSecret): void }) {
  const [form] = Form.useForm<{ name: string; description?: string }>();
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
      title="新建应用"
      okText="创建"
      cancelText="取消"
      confirmLoading={submitting}
      onCancel={onClose}
      okButtonProps={{ ...({ 'data-testid': 'app-create-submit' } as Record<string, string>) }}
      onOk={() =>
        void runValidated(form, async (values) => {
          onCreated(await dataServicesApi.createApp(values.name.trim(), values.description?.trim() || undefined));
        })
      }
      forceRender
    >
      <ErrorAlert error={error} testId="app-create-error" />
      <Form form={form} layout="vertical">
        <Form.Item label="应用名称" name="name" rules={[{ required: true, whitespace: true, message: '请输入应用名称' }, { max: 100, message: '不超过 100 个字' }]}>
          <Input placeholder="如：市场主体登记系统" data-testid="app-name-input" />
        </Form.Item>
        <Form.Item label="说明" name="description" rules={[{ max: 500, message: '不超过 500 个字' }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} placeholder="用途、负责人、部署位置等（选填）" data-testid="app-description-input" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
