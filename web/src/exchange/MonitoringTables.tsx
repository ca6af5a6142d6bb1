import { App, Button, Select, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useCallback, useState } from 'react';
import {
  BATCH_STATUS_LABELS, DELIVERY_STATUS_LABELS, MODE_LABELS, type BatchStatus, type DeliveryStatus, type ExtractMode,
} from '@shared/exchange/flows.types';
import { describeError } from '../shared/errors';
import { formatTime } from '../shared/format';
import { MessageAlert } from '../shared/MessageAlert';
import { listPagination, serverPagination } from '../shared/pagination';
import { useRemoteData } from '../shared/useRemoteData';
import { formatBytes, monitoringApi, type BatchView, type DeliveryView, type RunView } from './monitoring-api';

/** The tables of 交换监控: 批次, 投递, 运行 and 失败 (the exchange log has its own file). */

const PAGE_SIZE = 20;
const BATCH_COLORS: Record<BatchStatus, string> = { received: 'blue', applied: 'green', failed: 'red' };
const DELIVERY_COLORS: Record<DeliveryStatus, string> = { pending: 'gold', sent: 'blue', applied: 'green', failed: 'red', stopped: 'default' };
const mono = (v: string | null | undefined) => <span className="mono">{v ?? '-'}</span>;

/** The first 12 hex digits of an SM3 digest, with a button copying the whole one. */
export function Sm3Short({ value }: { value: string | null }) {
  if (!value) return <Typography.Text type="secondary">-</Typography.Text>;
  return (
    <Tooltip title={value}>
      <Typography.Text className="mono" copyable={{ text: value, tooltips: ['复制 SM3', '已复制'] }} data-testid="sm3-short">{value.slice(0, 12)}…</Typography.Text>
    </Tooltip>
  );
}

export function ErrorCell({ code, message }: { code: string | null; message: string | null }) {
  if (!code && !message) return <Typography.Text type="secondary">-</Typography.Text>;
  return (
    <Space direction="vertical" size={0} data-testid="error-cell">
      {code && <Typography.Text type="danger" className="mono">{code}</Typography.Text>}
      {message && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{message}</Typography.Text>}
    </Space>
  );
}

const batchColumns: TableColumnsType<BatchView> = [
  { title: '流水号', dataIndex: 'serialNo', key: 'serial', width: 190, render: (v: string) => <span className="mono" data-testid="batch-serial">{v}</span> },
  { title: '发布任务', dataIndex: 'taskCode', key: 'task', width: 150, render: mono },
  {
    title: '信息资源',
    key: 'resource',
    width: 200,
    render: (_, b) => (
      <Space direction="vertical" size={0}>
        <span>{b.resourceName}</span>
        <Typography.Text type="secondary" className="mono" style={{ fontSize: 11 }}>{b.resourceCode}</Typography.Text>
      </Space>
    ),
  },
  { title: '序号', dataIndex: 'seq', key: 'seq', width: 70 },
  {
    title: '记录数',
    key: 'records',
    width: 90,
    render: (_, b) => <Tooltip title={`新增/更新 ${b.upserts} 条，删除 ${b.deletes} 条`}><span data-testid="batch-records">{b.upserts + b.deletes}</span></Tooltip>,
  },
  { title: '字节数', dataIndex: 'bytes', key: 'bytes', width: 90, render: formatBytes },
  { title: '状态', dataIndex: 'status', key: 'status', width: 90, render: (v: BatchStatus) => <Tag color={BATCH_COLORS[v]} data-testid="batch-status">{BATCH_STATUS_LABELS[v]}</Tag> },
  { title: 'SM3 校验值', dataIndex: 'sm3', key: 'sm3', width: 170, render: (v: string) => <Sm3Short value={v} /> },
  { title: '投递数', dataIndex: 'deliveries', key: 'deliveries', width: 70 },
  { title: '接收时间', dataIndex: 'receivedAt', key: 'receivedAt', width: 170, render: formatTime },
  { title: '错误', key: 'error', width: 220, render: (_, b) => <ErrorCell code={b.errorCode} message={b.errorMessage} /> },
];

const deliveryColumns: TableColumnsType<DeliveryView> = [
  { title: '流水号', dataIndex: 'serialNo', key: 'serial', width: 190, render: (v: string) => <span className="mono" data-testid="delivery-serial">{v}</span> },
  { title: '批次流水号', dataIndex: 'batchSerialNo', key: 'batch', width: 190, render: mono },
  { title: '使用部门', dataIndex: 'consumerName', key: 'consumer', width: 170, render: (v: string) => <span data-testid="delivery-consumer">{v}</span> },
  { title: '订阅', dataIndex: 'subscriptionCode', key: 'subscription', width: 140, render: mono },
  { title: '目标前置机', dataIndex: 'targetNodeName', key: 'node', width: 160 },
  { title: '信息资源', dataIndex: 'resourceName', key: 'resource', width: 170 },
  { title: '序号', dataIndex: 'seq', key: 'seq', width: 70 },
  { title: '记录数', dataIndex: 'records', key: 'records', width: 80 },
  { title: '状态', dataIndex: 'status', key: 'status', width: 90, render: (v: DeliveryStatus) => <Tag color={DELIVERY_COLORS[v]} data-testid="delivery-status">{DELIVERY_STATUS_LABELS[v]}</Tag> },
  { title: '尝试次数', dataIndex: 'attempts', key: 'attempts', width: 80 },
  { title: '回执时间', dataIndex: 'ackedAt', key: 'ackedAt', width: 170, render: formatTime },
  { title: '错误', key: 'error', width: 220, render: (_, d) => <ErrorCell code={d.errorCode} message={d.errorMessage} /> },
];

const NO_BATCHES = { items: [] as BatchView[], total: 0 };
const NO_DELIVERIES = { items: [] as DeliveryView[], total: 0 };
const NO_RUNS: RunView[] = [];
const NO_FAILURES = { batches: [] as BatchView[], deliveries: [] as DeliveryView[] };

function StatusFilter({ value, onChange, labels, testId }: { value?: string; onChange: (v?: string) => void; labels: Record<string, string>; testId: string }) {
  return (
    <Select allowClear placeholder="全部状态" value={value} onChange={onChange} style={{ width: 130, marginBottom: 12 }} data-testid={testId}
      options={Object.entries(labels).map(([v, label]) => ({ value: v, label }))} />
  );
}

export function BatchesTab({ version }: { version: number }) {
  const [status, setStatus] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const fetch = useCallback(() => {
    void version; // the page's 刷新 bumps it
    return monitoringApi.batches({ status, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  }, [status, page, version]);
  const data = useRemoteData(fetch, NO_BATCHES);
  return (
    <>
      <StatusFilter value={status} onChange={(v) => { setStatus(v); setPage(1); }} labels={BATCH_STATUS_LABELS} testId="batches-filter-status" />
      <MessageAlert message={data.error} />
      <Table<BatchView> rowKey="id" size="small" loading={data.loading} dataSource={data.data.items} columns={batchColumns} scroll={{ x: 1700 }}
        data-testid="batches-table" locale={{ emptyText: '暂无批次' }} pagination={serverPagination(page, PAGE_SIZE, data.data.total, setPage, '个批次')} />
    </>
  );
}

export function DeliveriesTab({ version }: { version: number }) {
  const [status, setStatus] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const fetch = useCallback(() => {
    void version; // the page's 刷新 bumps it
    return monitoringApi.deliveries({ status, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  }, [status, page, version]);
  const data = useRemoteData(fetch, NO_DELIVERIES);
  return (
    <>
      <StatusFilter value={status} onChange={(v) => { setStatus(v); setPage(1); }} labels={DELIVERY_STATUS_LABELS} testId="deliveries-filter-status" />
      <MessageAlert message={data.error} />
      <Table<DeliveryView> rowKey="id" size="small" loading={data.loading} dataSource={data.data.items} columns={deliveryColumns} scroll={{ x: 1900 }}
        data-testid="deliveries-table" locale={{ emptyText: '暂无投递' }} pagination={serverPagination(page, PAGE_SIZE, data.data.total, setPage, '次投递')} />
    </>
  );
}

const runColumns: TableColumnsType<RunView> = [
  { title: '发布任务', dataIndex: 'taskCode', key: 'task', width: 150, render: (v: string) => <span className="mono" data-testid="run-task">{v}</span> },
  { title: '信息资源', dataIndex: 'resourceName', key: 'resource', width: 200 },
  { title: '方式', dataIndex: 'mode', key: 'mode', width: 70, render: (v: ExtractMode) => MODE_LABELS[v] ?? v },
  { title: '开始时间', dataIndex: 'startedAt', key: 'startedAt', width: 170, render: formatTime },
  { title: '结束时间', dataIndex: 'finishedAt', key: 'finishedAt', width: 170, render: formatTime },
  { title: '批次数', dataIndex: 'batches', key: 'batches', width: 80, render: (v: number) => <span data-testid="run-batches">{v}</span> },
  { title: '新增/更新', dataIndex: 'upserts', key: 'upserts', width: 90 },
  { title: '删除', dataIndex: 'deletes', key: 'deletes', width: 70 },
  { title: '字节数', dataIndex: 'bytes', key: 'bytes', width: 90, render: formatBytes },
  { title: '结果', dataIndex: 'failed', key: 'failed', width: 110, render: (v: number) => (v ? <Tag color="red">{v} 个批次失败</Tag> : <Tag color="green">正常</Tag>) },
];

export function RunsTab({ version }: { version: number }) {
  const fetch = useCallback(() => { void version; return monitoringApi.runs(); }, [version]);
  const data = useRemoteData(fetch, NO_RUNS);
  return (
    <>
      <MessageAlert message={data.error} />
      <Table<RunView> rowKey={(r) => `${r.taskId}-${r.runId}`} size="small" loading={data.loading} dataSource={data.data} columns={runColumns} scroll={{ x: 1200 }}
        data-testid="runs-table" locale={{ emptyText: '暂无运行记录' }} pagination={listPagination('次运行')} />
    </>
  );
}

/** 失败: failed batches and failed or stopped deliveries, each failed one with 重试 (for those who may run the flow). */
export function FailuresTab({ version, canRetry, onChanged }: { version: number; canRetry: boolean; onChanged: () => void }) {
  const { message } = App.useApp();
  const fetch = useCallback(() => { void version; return monitoringApi.failures(); }, [version]);
  const data = useRemoteData(fetch, NO_FAILURES);
  const [busy, setBusy] = useState<string | null>(null);

  async function retry(kind: 'batch' | 'delivery', id: string, serialNo: string) {
    setBusy(id);
    try {
      await (kind === 'batch' ? monitoringApi.retryBatch(id) : monitoringApi.retryDelivery(id));
      message.success(`已提交重试：${serialNo}`);
      await data.reload();
      onChanged();
    } catch (e) {
      message.error(`重试失败：${describeError(e)}`);
    } finally {
      setBusy(null);
    }
  }

  const retryColumn = <T extends { id: string; serialNo: string; status: string }>(kind: 'batch' | 'delivery') => ({
    title: '操作',
    key: 'actions',
    width: 80,
    fixed: 'right' as const,
    render: (_: unknown, row: T) => (row.status === 'failed' ? (
      <Button type="link" size="small" loading={busy === row.id} onClick={() => void retry(kind, row.id, row.serialNo)} data-testid={`${kind}-retry`}>重试</Button>
    ) : <Typography.Text type="secondary">-</Typography.Text>),
  });

  return (
    <>
      <MessageAlert message={data.error} />
      <Typography.Title level={5} style={{ marginTop: 0 }}>失败批次</Typography.Title>
      <Table<BatchView> rowKey="id" size="small" loading={data.loading} dataSource={data.data.batches} scroll={{ x: 1800 }}
        columns={canRetry ? [...batchColumns, retryColumn<BatchView>('batch')] : batchColumns}
        data-testid="failed-batches-table" locale={{ emptyText: '没有失败的批次' }} pagination={listPagination('个批次', 10)} />
      <Typography.Title level={5}>失败或停止的投递</Typography.Title>
      <Table<DeliveryView> rowKey="id" size="small" loading={data.loading} dataSource={data.data.deliveries} scroll={{ x: 2000 }}
        columns={canRetry ? [...deliveryColumns, retryColumn<DeliveryView>('delivery')] : deliveryColumns}
        data-testid="failed-deliveries-table" locale={{ emptyText: '没有失败的投递' }} pagination={listPagination('次投递', 10)} />
    </>
  );
}
