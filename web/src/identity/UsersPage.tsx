import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Input, Popconfirm, Select, Space, Table, Tag, Tooltip, type TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import type { Org, Role, User } from '../api/types';
import { useCurrentUser } from '../auth/AuthContext';
import { hasRole } from '../shared/access';
import { describeError } from '../shared/errors';
import { formatTime } from '../shared/format';
import { MessageAlert } from '../shared/MessageAlert';
import { ALL_ROLES, DEPT_GRANTABLE_ROLES, ROLE_COLORS, roleLabel } from '../shared/roles';
import { useRemoteData } from '../shared/useRemoteData';
import { identityApi } from './identity-api';
import { ResetPasswordModal } from './ResetPasswordModal';
import { UserFormModal } from './UserFormModal';
import { serverPagination } from '../shared/pagination';

const PAGE_SIZE = 10;

function isLocked(user: User): boolean {
  return !!user.lockedUntil && dayjs(user.lockedUntil).isAfter(dayjs());
}

export function UsersPage() {
  const me = useCurrentUser();
  const { message } = App.useApp();
  // sec_admin manages every department and role; dept_admin only its own department (分级管理).
  const isSecAdmin = hasRole(me.roles, 'sec_admin');
  const grantableRoles: Role[] = isSecAdmin ? ALL_ROLES : DEPT_GRANTABLE_ROLES;
  const fixedOrgId = isSecAdmin ? null : me.orgId;

  const [orgs, setOrgs] = useState<Org[]>([]);
  const [orgFilter, setOrgFilter] = useState<string | undefined>(undefined);
  const [keyword, setKeyword] = useState('');
  const [page, setPage] = useState(1);
  const [modal, setModal] = useState<{ open: boolean; editing: User | null }>({ open: false, editing: null });
  const [resetting, setResetting] = useState<User | null>(null);

  useEffect(() => {
    identityApi.listOrgs().then(setOrgs, () => setOrgs([]));
  }, []);

  const fetchPage = useCallback(
    () =>
      identityApi.listUsers({
        orgId: isSecAdmin ? orgFilter : undefined,
        q: keyword.trim() || undefined,
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
      }),
    [isSecAdmin, orgFilter, keyword, page],
  );
  const { data, loading, error, reload: load } = useRemoteData(fetchPage, { items: [], total: 0 });

  async function runAction(action: () => Promise<unknown>, success: string) {
    try {
      await action();
      message.success(success);
      await load();
    } catch (e) {
      message.error(describeError(e));
    }
  }

  const columns: TableColumnsType<User> = [
    { title: '用户名', dataIndex: 'username', key: 'username', render: (v: string) => <span className="mono">{v}</span> },
    { title: '姓名', dataIndex: 'displayName', key: 'displayName' },
    { title: '所属部门', dataIndex: 'orgName', key: 'orgName' },
    {
      title: '角色',
      dataIndex: 'roles',
      key: 'roles',
      render: (roles: Role[]) =>
        roles.map((role) => (
          <Tag key={role} color={ROLE_COLORS[role]}>
            {roleLabel(role)}
          </Tag>
        )),
    },
    {
      title: '状态',
      key: 'status',
      render: (_, user) => (
        <Space size={4} wrap>
          {user.disabled ? <Tag color="red">已禁用</Tag> : <Tag color="green">正常</Tag>}
          {isLocked(user) && (
            <Tooltip title={`锁定至 ${formatTime(user.lockedUntil)}`}>
              <Tag color="orange">已锁定</Tag>
            </Tooltip>
          )}
          {user.mustChangePassword && <Tag color="blue">待改密</Tag>}
        </Space>
      ),
    },
    { title: '最后登录', dataIndex: 'lastLoginAt', key: 'lastLoginAt', render: (v: string | null) => formatTime(v) },
    {
      title: '操作',
      key: 'actions',
      render: (_, user) => {
        const self = user.id === me.id;
        return (
          <Space size={0} wrap data-testid={`user-actions-${user.username}`}>
            <Button type="link" size="small" onClick={() => setModal({ open: true, editing: user })}>
              编辑
            </Button>
            {!self &&
              (user.disabled ? (
                <Button
                  type="link"
                  size="small"
                  onClick={() => void runAction(() => identityApi.updateUser(user.id, { disabled: false }), `已启用账号 ${user.username}`)}
                >
                  启用
                </Button>
              ) : (
                <Popconfirm
                  title={`确定禁用账号 ${user.username}？`}
                  description="禁用后该账号无法登录。"
                  okText="禁用"
                  cancelText="取消"
                  onConfirm={() => runAction(() => identityApi.updateUser(user.id, { disabled: true }), `已禁用账号 ${user.username}`)}
                >
                  <Button type="link" size="small" danger>
                    禁用
                  </Button>
                </Popconfirm>
              ))}
            <Button type="link" size="small" onClick={() => setResetting(user)}>
              重置密码
            </Button>
            {isLocked(user) && (
              <Button
                type="link"
                size="small"
                onClick={() => void runAction(() => identityApi.unlockUser(user.id), `已解锁账号 ${user.username}`)}
              >
                解锁
              </Button>
            )}
          </Space>
        );
      },
    },
  ];

  return (
    <Card title="账号管理" data-testid="users-page">
      <div className="page-toolbar">
        <Space wrap>
          {isSecAdmin ? (
            <Select
              allowClear
              placeholder="全部部门"
              value={orgFilter}
              onChange={(v: string | undefined) => {
                setOrgFilter(v);
                setPage(1);
              }}
              options={orgs.map((org) => ({ value: org.id, label: org.name }))}
              showSearch={{ optionFilterProp: 'label' }}
              style={{ width: 240 }}
              data-testid="user-org-filter"
            />
          ) : (
            <Tag color="blue" data-testid="user-org-scope">
              {me.orgName}
            </Tag>
          )}
          <Input.Search
            placeholder="用户名或姓名"
            allowClear
            onSearch={(v) => {
              setKeyword(v);
              setPage(1);
            }}
            style={{ width: 240 }}
            data-testid="user-search"
          />
        </Space>
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => void load()}>
            刷新
          </Button>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setModal({ open: true, editing: null })} data-testid="user-create">
            新增账号
          </Button>
        </Space>
      </div>
      {!isSecAdmin && (
        <Alert
          type="info"
          showIcon
          title="分级管理：部门管理员只能管理本部门账号，且只能分配部门管理员、部门用户角色。"
          style={{ marginBottom: 16 }}
        />
      )}
      <MessageAlert message={error} />
      <Table<User>
        rowKey="id"
        columns={columns}
        dataSource={data.items}
        loading={loading}
        size="middle"
        data-testid="user-table"
        pagination={serverPagination(page, PAGE_SIZE, data.total, setPage, '个账号')}
      />
      <UserFormModal
        open={modal.open}
        editing={modal.editing}
        orgs={orgs}
        grantableRoles={grantableRoles}
        fixedOrgId={fixedOrgId}
        onClose={() => setModal({ open: false, editing: null })}
        onSaved={(user) => {
          message.success(modal.editing ? `已更新账号 ${user.username}` : `已创建账号 ${user.username}`);
          setModal({ open: false, editing: null });
          void load();
        }}
      />
      <ResetPasswordModal
        user={resetting}
        onClose={() => setResetting(null)}
        onDone={() => {
          message.success(`已重置 ${resetting?.username ?? ''} 的密码`);
          setResetting(null);
          void load();
        }}
      />
    </Card>
  );
}
