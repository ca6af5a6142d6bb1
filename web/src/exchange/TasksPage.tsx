import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Popconfirm, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { MODE_LABELS, type ExtractMode, type TaskStatus } from '@shared/exchange/flows.types';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useCurrentUser } from '../auth/AuthContext';
import { hasRole } from '../shared/access';
import { describeError } from '../shared/errors';
import { formatTime } from '../shared/format';
import { MessageAlert } from '../shared/MessageAlert';
import { listPagination } from '../shared/pagination';
import { useRemoteData } from '../shared/useRemoteData';
import { FailureCount, scheduleText, TaskStatusTag } from './flows-common';
import { flowsApi, type TaskView } from './flows-api';
import { TaskDrawer } from './TaskDrawer';

const NO_TASKS: TaskView[] = [];

/**
 * 发布任务: which published resource a provider node extracts from which source, how and when. The provider's
 * dept_admin creates and runs them; department users, the platform admin and the auditor read.
 */
export function TasksPage() {
  const me = useCurrentUser();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const isDeptAdmin = hasRole(me.roles, 'dept_admin');
  const isPlatform = hasRole(me.roles, 'platform_admin');
  const list = useRemoteData(flowsApi.tasks, NO_TASKS);
  const [editing, setEditing] = useState<TaskView | 'new' | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const owns = (t: TaskView) => isDeptAdmin && t.orgId === me.orgId;

  async function act(task: TaskView, action: 'pause' | 'resume' | 'run' | 'reconcile') {
    setBusy(`${action}-${task.id}`);
    try {
      if (action === 'pause') {
        await flowsApi.pauseTask(task.id);
        message.success(`已暂停：${task.code}`);
      } else if (action === 'resume') {
        await flowsApi.resumeTask(task.id);
        message.success(`已恢复：${task.code}`);
      } else if (action === 'run') {
        await flowsApi.runTask(task.id);
        message.success(`已通知前置机立即执行：${task.code}`);
      } else {
        await flowsApi.reconcile(task.id);
        message.success(`已发起对账：${task.code}`);
        navigate(`/exchange/reconciliations?taskId=${encodeURIComponent(task.id)}`);
        return;
      }
      await list.reload();
    } catch (e) {
      message.error(describeError(e));
    } finally {
      setBusy(null);
    }
  }

  const columns: TableColumnsType<TaskView> = [
    { title: '任务编码', dataIndex: 'code', key: 'code', width: 110, fixed: 'left', render: (v: string) => <span className="mono" data-testid="task-code">{v}</span> },
    {
      title: '信息资源',
      key: 'resource',
      width: 220,
      render: (_, t) => (
        <Space direction="vertical" size={0}>
          <span data-testid="task-resource-name">{t.resourceName}</span>
          <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>{t.resourceCode}</Typography.Text>
          {t.kind === 'file' && <Tag color="cyan">文件</Tag>}
        </Space>
      ),
    },
    ...(isPlatform || hasRole(me.roles, 'auditor') ? [{ title: '提供部门', dataIndex: 'orgName', key: 'org', width: 120 }] : []),
    { title: '前置机', key: 'node', width: 150, render: (_, t) => <span data-testid="task-node">{t.nodeName}</span> },
    {
      title: '数据源',
      key: 'source',
      width: 180,
      render: (_, t) => (
        <Space direction="vertical" size={0}>
          <span data-testid="task-source">{t.sourceName}</span>
          <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }} ellipsis={{ tooltip: t.sourceQuery ?? t.sourceTable ?? '' }}>
            {t.sourceTable ?? (t.sourceQuery ? '自定义查询' : '-')}
          </Typography.Text>
        </Space>
      ),
    },
    { title: '方式', dataIndex: 'mode', key: 'mode', width: 70, render: (v: ExtractMode) => <span data-testid="task-mode">{MODE_LABELS[v]}</span> },
    { title: '调度', key: 'schedule', width: 130, render: (_, t) => <span className="mono" data-testid="task-schedule">{scheduleText(t)}</span> },
    { title: '状态', dataIndex: 'status', key: 'status', width: 80, render: (v: TaskStatus) => <TaskStatusTag status={v} /> },
    {
      title: '批次序号',
      key: 'seq',
      width: 100,
      render: (_, t) => (
        <Space direction="vertical" size={0}>
          <span data-testid="task-last-seq">{t.lastSeq}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>已入库 {t.appliedSeq}</Typography.Text>
        </Space>
      ),
    },
    { title: '最近批次', dataIndex: 'lastBatchAt', key: 'lastBatchAt', width: 160, render: formatTime },
    { title: '连续失败', dataIndex: 'consecutiveFailures', key: 'failures', width: 90, render: (v: number) => <FailureCount value={v} /> },
    {
      title: '操作',
      key: 'actions',
      width: 200,
      fixed: 'right',
      render: (_, t) => (
        <Space size={0} wrap>
          {owns(t) && <Button type="link" size="small" onClick={() => setEditing(t)} data-testid="task-edit">编辑</Button>}
          {owns(t) && t.status === 'active' && (
            <Popconfirm title="暂停任务" description="暂停后前置机不再抽取该任务的数据。确定暂停？" okText="暂停" cancelText="取消" onConfirm={() => act(t, 'pause')}
              okButtonProps={{ ...({ 'data-testid': 'task-pause-confirm' } as Record<string, string>) }}>
              <Button type="link" size="small" loading={busy === `pause-${t.id}`} data-testid="task-pause">暂停</Button>
            </Popconfirm>
          )}
          {owns(t) && t.status === 'paused' && (
            <Button type="link" size="small" loading={busy === `resume-${t.id}`} onClick={() => void act(t, 'resume')} data-testid="task-resume">恢复</Button>
          )}
          {owns(t) && t.status === 'active' && (
            <Button type="link" size="small" loading={busy === `run-${t.id}`} onClick={() => void act(t, 'run')} data-testid="task-run">立即执行</Button>
          )}
          {(owns(t) || isPlatform) && t.kind === 'table' && (
            <Button type="link" size="small" loading={busy === `reconcile-${t.id}`} onClick={() => void act(t, 'reconcile')} data-testid="task-reconcile">对账</Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Card title="发布任务" data-testid="tasks-page">
      <Typography.Paragraph type="secondary">
        发布任务把本部门已发布的信息资源与前置机上的数据源绑定：前置机按调度从源库抽取数据（增量按水位列，全量做快照比对），打包签名后上传平台，平台入库并投递给订阅方。
      </Typography.Paragraph>
      <div className="page-toolbar">
        <Tag color="blue">{isPlatform || hasRole(me.roles, 'auditor') ? '全部部门' : me.orgName}</Tag>
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => void list.reload()}>刷新</Button>
          {isDeptAdmin && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="task-create">新建发布任务</Button>
          )}
        </Space>
      </div>
      <MessageAlert message={list.error} />
      <Table<TaskView>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.data}
        columns={columns}
        data-testid="tasks-table"
        scroll={{ x: 1500 }}
        locale={{ emptyText: '暂无发布任务' }}
        pagination={listPagination('个任务')}
      />
      <TaskDrawer
        task={editing}
        onClose={() => setEditing(null)}
        onSaved={(saved, created) => {
          setEditing(null);
          message.success(created ? `已创建发布任务：${saved.code}` : `已保存：${saved.code}`);
          void list.reload();
        }}
      />
    </Card>
  );
}
