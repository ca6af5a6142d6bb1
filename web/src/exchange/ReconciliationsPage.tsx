import { ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import type { ReconcileSide } from '@shared/exchange/flows.types';
import { useCallback, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useCurrentUser } from '../auth/AuthContext';
import { hasRole } from '../shared/access';
import { describeError } from '../shared/errors';
import { formatTime } from '../shared/format';
import { MessageAlert } from '../shared/MessageAlert';
import { listPagination } from '../shared/pagination';
import { useRemoteData } from '../shared/useRemoteData';
import { flowsApi, type ReconciliationView, type TaskView } from './flows-api';

const NO_TASKS: TaskView[] = [];
const NO_ROWS: ReconciliationView[] = [];

function Side({ side, testId }: { side: ReconcileSide | null; testId: string }) {
  if (!side) return <Typography.Text type="secondary" data-testid={testId}>等待上报</Typography.Text>;
  return (
    <Space direction="vertical" size={0} data-testid={testId}>
      <span>{side.count.toLocaleString('zh-CN')} 条</span>
      <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }} copyable={{ text: side.checksum, tooltips: ['复制校验和', '已复制'] }}>
        {side.checksum.slice(0, 12)}…
      </Typography.Text>
    </Space>
  );
}

/**
 * 对账: for a publish task, the source node, the platform and every subscriber node each count the rows they hold
 * and compute the canonical checksum; the platform compares them and lists the differences.
 */
export function ReconciliationsPage() {
  const me = useCurrentUser();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const taskId = params.get('taskId') ?? undefined;
  const tasks = useRemoteData(flowsApi.tasks, NO_TASKS);
  const list = useRemoteData(useCallback(() => flowsApi.reconciliations(taskId), [taskId]), NO_ROWS);
  const [requesting, setRequesting] = useState(false);

  const task = tasks.data.find((t) => t.id === taskId) ?? null;
  const canRequest = task !== null && task.kind === 'table'
    && (hasRole(me.roles, 'platform_admin') || (hasRole(me.roles, 'dept_admin') && task.orgId === me.orgId));

  async function request() {
    if (!task) return;
    setRequesting(true);
    try {
      await flowsApi.reconcile(task.id);
      message.success(`已发起对账：${task.code}，等待前置机上报`);
      await list.reload();
    } catch (e) {
      message.error(describeError(e));
    } finally {
      setRequesting(false);
    }
  }

  const columns: TableColumnsType<ReconciliationView> = [
    {
      title: '任务',
      key: 'task',
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <span className="mono" data-testid="recon-task">{r.taskCode}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.resourceName}</Typography.Text>
        </Space>
      ),
    },
    {
      title: '时间',
      key: 'time',
      width: 180,
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <span>{formatTime(r.requestedAt)}</span>
          {r.finishedAt && <Typography.Text type="secondary" style={{ fontSize: 12 }}>完成 {formatTime(r.finishedAt)}</Typography.Text>}
        </Space>
      ),
    },
    { title: '源端', key: 'source', width: 150, render: (_, r) => <Side side={r.source} testId="recon-source" /> },
    { title: '平台', key: 'platform', width: 150, render: (_, r) => <Side side={r.platform} testId="recon-platform" /> },
    {
      title: '订阅端',
      key: 'targets',
      width: 170,
      render: (_, r) => r.targets.length === 0
        ? <Typography.Text type="secondary">无</Typography.Text>
        : <Space direction="vertical" size={4}>{r.targets.map((t) => <Side key={t.subscriptionId} side={t} testId="recon-target" />)}</Space>,
    },
    {
      title: '状态',
      dataIndex: 'status',
      key: 'status',
      width: 90,
      render: (v: ReconciliationView['status']) => <Tag color={v === 'done' ? 'blue' : 'gold'} data-testid="recon-status">{v === 'done' ? '已完成' : '进行中'}</Tag>,
    },
    {
      title: '结果',
      key: 'result',
      width: 300,
      render: (_, r) => {
        if (r.differences.length > 0) {
          return (
            <Space direction="vertical" size={0} data-testid="recon-result">
              {r.differences.map((d, i) => <Typography.Text key={i} type="danger">{d}</Typography.Text>)}
            </Space>
          );
        }
        return r.status === 'done'
          ? <Tag color="green" data-testid="recon-result">一致</Tag>
          : <Typography.Text type="secondary" data-testid="recon-result">等待各方上报</Typography.Text>;
      },
    },
  ];

  return (
    <Card title="对账" data-testid="reconciliations-page">
      <Typography.Paragraph type="secondary">
        对账比较源库、平台数据存储和各订阅方目标库中的记录数与校验和（按规范化行计算；订阅端按授权信息项和脱敏后的值计算）。发起后，相关前置机在下次拉取配置时上报各自的结果。
      </Typography.Paragraph>
      <div className="page-toolbar">
        <Space>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder="全部任务"
            style={{ width: 360 }}
            value={taskId}
            loading={tasks.loading}
            options={tasks.data.map((t) => ({ value: t.id, label: `${t.code} ${t.resourceName}` }))}
            onChange={(v?: string) => setParams(v ? { taskId: v } : {})}
            data-testid="recon-task-filter"
          />
        </Space>
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => void list.reload()}>刷新</Button>
          {(hasRole(me.roles, 'dept_admin') || hasRole(me.roles, 'platform_admin')) && (
            <Button type="primary" disabled={!canRequest} loading={requesting} onClick={() => void request()} data-testid="recon-request"
              title={canRequest ? undefined : '请先选择本部门的库表类发布任务'}>
              发起对账
            </Button>
          )}
        </Space>
      </div>
      <MessageAlert message={list.error} />
      <Table<ReconciliationView>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.data}
        columns={columns}
        data-testid="reconciliations-table"
        scroll={{ x: 1200 }}
        locale={{ emptyText: '暂无对账记录' }}
        pagination={listPagination('次对账')}
      />
    </Card>
  );
}
