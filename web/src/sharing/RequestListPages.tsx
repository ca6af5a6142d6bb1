import { ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Popconfirm, Segmented, Space, Table, Typography, type TableColumnsType } from 'antd';
import { useCallback, useState, type HTMLAttributes } from 'react';
import { Link } from 'react-router-dom';
import { useCurrentUser } from '../auth/AuthContext';
import { hasRole } from '../shared/access';
import { describeError } from '../shared/errors';
import { formatTime } from '../shared/format';
import { MessageAlert } from '../shared/MessageAlert';
import { useRemoteData } from '../shared/useRemoteData';
import { byUrgency, DeadlineCountdown, deadlineDate, RequestStatusTag } from './SharingTags';
import { sharingApi, type RequestQuery, type ShareRequest } from './sharing-api';
import { listPagination } from '../shared/pagination';

const EMPTY: ShareRequest[] = [];

function useRequests(query: RequestQuery) {
  const { role, status, overdue } = query;
  const fetch = useCallback(
    () => sharingApi.listRequests({ role, status, overdue: overdue || undefined, limit: 500 }).then((r) => [...r.items].sort(byUrgency)),
    [role, status, overdue],
  );
  return useRemoteData(fetch, EMPTY);
}

function columns(side: 'applicant' | 'provider' | 'reviewer', detailPath: string, extra?: TableColumnsType<ShareRequest>): TableColumnsType<ShareRequest> {
  return [
    {
      title: '信息资源',
      key: 'resource',
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <Link to={`${detailPath}/${r.id}`} data-testid="request-open">{r.resourceName}</Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.resourceCode}</Typography.Text>
        </Space>
      ),
    },
    side === 'applicant'
      ? { title: '提供部门', dataIndex: 'providerName', key: 'provider', width: 200 }
      : { title: '申请部门', key: 'applicant', width: 200, render: (_, r) => `${r.applicantOrgName}（${r.applicantUsername}）` },
    ...(side === 'reviewer' ? [{ title: '提供部门', dataIndex: 'providerName', key: 'provider', width: 180 }] : []),
    { title: '信息项', key: 'items', width: 90, render: (_, r) => `${r.items.length} 项` },
    { title: '状态', dataIndex: 'status', key: 'status', width: 90, render: (v: string) => <RequestStatusTag status={v} testId="request-row-status" /> },
    { title: '申请时间', dataIndex: 'createdAt', key: 'createdAt', width: 170, render: formatTime },
    { title: '答复期限', dataIndex: 'deadline', key: 'deadline', width: 110, render: (v: string | null) => deadlineDate(v) },
    { title: '剩余时间', key: 'countdown', width: 150, render: (_, r) => <DeadlineCountdown value={r} /> },
    ...(extra ?? []),
  ];
}

/** 我的申请: the department's share requests with their status, deadline and 撤回. */
export function MyRequestsPage() {
  const me = useCurrentUser();
  const { message } = App.useApp();
  const [status, setStatus] = useState<string>('');
  const list = useRequests({ role: 'applicant', status: status || undefined });
  const [error, setError] = useState<string | null>(null);

  async function withdraw(r: ShareRequest) {
    setError(null);
    try {
      await sharingApi.withdraw(r.id);
      message.success(`已撤回对“${r.resourceName}”的申请`);
      await list.reload();
    } catch (e) {
      setError(describeError(e));
    }
  }

  const actions: TableColumnsType<ShareRequest> = [
    {
      title: '操作',
      key: 'actions',
      width: 120,
      render: (_, r) => (
        <Space size={0}>
          <Link to={`/sharing/requests/${r.id}`}>详情</Link>
          {r.status === 'pending' && (
            <Popconfirm title="撤回该申请？" okText="撤回" cancelText="取消" onConfirm={() => withdraw(r)}>
              <Button type="link" size="small" danger data-testid="request-row-withdraw">撤回</Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Card title={`我的申请 · ${me.orgName}`} data-testid="my-requests-page">
      <div className="page-toolbar">
        <Segmented
          value={status}
          onChange={(v) => setStatus(v as string)}
          options={[
            { value: '', label: '全部' },
            { value: 'pending', label: '待审核' },
            { value: 'second_review', label: '待复核' },
            { value: 'approved', label: '已同意' },
            { value: 'refused', label: '已拒绝' },
            { value: 'withdrawn', label: '已撤回' },
          ]}
          data-testid="my-requests-status"
        />
        <Button icon={<ReloadOutlined />} onClick={() => void list.reload()}>刷新</Button>
      </div>
      <MessageAlert message={error ?? list.error} />
      <Table<ShareRequest>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.data}
        columns={columns('applicant', '/sharing/requests', actions)}
        data-testid="my-requests-table"
        locale={{ emptyText: '暂无共享申请，可在共享目录的资源详情中申请共享' }}
        pagination={listPagination()}
      />
    </Card>
  );
}

type ReviewFilter = 'todo' | 'overdue' | 'all';

/**
 * 共享审核: a dept_admin's queue of requests for its department's resources; the platform admin's queue of
 * 待复核 requests and oversight of every department. Most urgent first; overdue in red.
 */
export function ShareReviewPage() {
  const me = useCurrentUser();
  const reviewer = hasRole(me.roles, 'platform_admin');
  const role = reviewer ? 'reviewer' : 'provider';
  const [filter, setFilter] = useState<ReviewFilter>('todo');
  const todoStatus = reviewer ? 'second_review' : 'pending';
  const list = useRequests({
    role,
    status: filter === 'todo' ? todoStatus : undefined,
    overdue: filter === 'overdue',
  });

  return (
    <Card title={reviewer ? '共享审核 · 平台复核与监督' : `共享审核 · ${me.orgName}`} data-testid="share-review-page">
      <div className="page-toolbar">
        <Space wrap>
          <Segmented
            value={filter}
            onChange={(v) => setFilter(v as ReviewFilter)}
            options={[
              { value: 'todo', label: reviewer ? '待复核' : '待审核' },
              { value: 'overdue', label: '已超期' },
              { value: 'all', label: '全部' },
            ]}
            data-testid="share-review-filter"
          />
          <Typography.Text type="secondary">共 {list.data.length} 条</Typography.Text>
        </Space>
        <Button icon={<ReloadOutlined />} onClick={() => void list.reload()}>刷新</Button>
      </div>
      <MessageAlert message={list.error} />
      <Table<ShareRequest>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.data}
        columns={columns(reviewer ? 'reviewer' : 'provider', '/sharing/review', [
          { title: '操作', key: 'actions', width: 80, render: (_, r) => <Link to={`/sharing/review/${r.id}`}>{r.status === todoStatus ? '审核' : '查看'}</Link> },
        ])}
        onRow={(r) => ({ style: r.overdue ? { background: '#fff1f0' } : undefined, 'data-overdue': String(r.overdue) } as HTMLAttributes<HTMLElement>)}
        data-testid="share-review-table"
        locale={{ emptyText: filter === 'todo' ? '没有待处理的共享申请' : '暂无共享申请' }}
        pagination={listPagination()}
      />
    </Card>
  );
}
