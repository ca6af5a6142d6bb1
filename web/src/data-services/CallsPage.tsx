import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, DatePicker, Segmented, Select, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { useCurrentUser } from '../auth/AuthContext';
import { hasRole } from '../shared/access';
import { formatTime } from '../shared/format';
import { MessageAlert } from '../shared/MessageAlert';
import { serverPagination } from '../shared/pagination';
import { useRemoteData } from '../shared/useRemoteData';
import { CallCharts } from './CallCharts';
import { dataServicesApi, OPERATION_LABELS, type CallQuery, type CallStats, type CallView } from './data-services-api';

type Side = 'provider' | 'consumer' | 'all';
const PAGE_SIZE = 20;
const NO_CALLS = { items: [] as CallView[], total: 0 };
const NO_STATS: CallStats = { byDay: [], byResource: [], byConsumer: [], byOperation: [], latency: { p50: null, p95: null } };

type Option = { value: string; label: string };

/** Adds options not seen before (the filters' choices grow as calls are seen). */
function merge(prev: Option[], next: Option[]): Option[] {
  const known = new Set(prev.map((o) => o.value));
  const added = next.filter((o) => o.value && !known.has(o.value));
  return added.length ? [...prev, ...added] : prev;
}

/** 调用日志: the data API calls where the department is provider or consumer (all of them for oversight), with charts. */
export function CallsPage() {
  const me = useCurrentUser();
  const member = hasRole(me.roles, 'dept_admin') || hasRole(me.roles, 'dept_user');
  const [side, setSide] = useState<Side>(member ? 'provider' : 'all');
  const [resource, setResource] = useState<string | undefined>();
  const [app, setApp] = useState<string | undefined>();
  const [consumer, setConsumer] = useState<string | undefined>();
  const [status, setStatus] = useState<'ok' | 'error' | undefined>();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [page, setPage] = useState(1);
  const [resourceOptions, setResourceOptions] = useState<Option[]>([]);
  const [appOptions, setAppOptions] = useState<Option[]>([]);
  const [consumerOptions, setConsumerOptions] = useState<Option[]>([]);

  const filters: CallQuery = useMemo(
    () => ({
      side: side === 'all' ? undefined : side,
      resource,
      app,
      consumer: side === 'consumer' ? undefined : consumer,
      status,
      from: range?.[0] ? range[0].startOf('day').toISOString() : undefined,
      to: range?.[1] ? range[1].endOf('day').toISOString() : undefined,
    }),
    [side, resource, app, consumer, status, range],
  );
  useEffect(() => setPage(1), [filters]);

  const fetchCalls = useCallback(
    () => dataServicesApi.calls({ ...filters, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    [filters, page],
  );
  const calls = useRemoteData(fetchCalls, NO_CALLS);
  const fetchStats = useCallback(
    () => dataServicesApi.callStats({ side: filters.side, resource: filters.resource, from: filters.from, to: filters.to }),
    [filters.side, filters.resource, filters.from, filters.to],
  );
  const stats = useRemoteData(fetchStats, NO_STATS);

  // The consumer side may also pick among the department's own applications.
  useEffect(() => {
    if (side !== 'consumer') return;
    dataServicesApi.apps().then((apps) => setAppOptions((prev) => merge(prev, apps.map((a) => ({ value: a.id, label: a.name })))), () => undefined);
  }, [side]);
  useEffect(() => {
    setResourceOptions((prev) => merge(prev, stats.data.byResource.map((r) => ({ value: r.resourceId, label: r.resourceName ?? r.resourceCode ?? r.resourceId }))));
    setConsumerOptions((prev) => merge(prev, stats.data.byConsumer.map((c) => ({ value: c.orgId, label: c.orgName ?? '未知部门' }))));
  }, [stats.data]);
  useEffect(() => {
    setAppOptions((prev) => merge(prev, calls.data.items.filter((c) => c.appId).map((c) => ({ value: c.appId!, label: c.appName ?? c.appKey ?? c.appId! }))));
  }, [calls.data]);

  function switchSide(next: Side) {
    setSide(next);
    setResource(undefined);
    setApp(undefined);
    setConsumer(undefined);
    setResourceOptions([]);
    setAppOptions([]);
    setConsumerOptions([]);
  }

  const columns: TableColumnsType<CallView> = [
    { title: '时间', dataIndex: 'at', key: 'at', width: 170, render: formatTime },
    {
      title: '应用',
      key: 'app',
      width: 170,
      render: (_, c) => (
        <Space direction="vertical" size={0}>
          <span data-testid="call-app">{c.appName ?? '-'}</span>
          {c.appKey && <Typography.Text type="secondary" className="mono" style={{ fontSize: 11 }}>{c.appKey}</Typography.Text>}
        </Space>
      ),
    },
    { title: '使用部门', dataIndex: 'consumerOrgName', key: 'consumer', width: 170, render: (v: string | null) => <span data-testid="call-consumer">{v ?? '-'}</span> },
    {
      title: '信息资源',
      key: 'resource',
      width: 200,
      render: (_, c) =>
        c.resourceId ? (
          <Space direction="vertical" size={0}>
            <Link to={`/catalog/resources/${c.resourceId}`} data-testid="call-resource">{c.resourceName ?? c.resourceCode}</Link>
            <Typography.Text type="secondary" className="mono" style={{ fontSize: 11 }}>{c.resourceCode}</Typography.Text>
          </Space>
        ) : (
          <span data-testid="call-resource">{c.resourceCode ?? '-'}</span>
        ),
    },
    { title: '操作', dataIndex: 'operation', key: 'operation', width: 90, render: (v: CallView['operation']) => <span data-testid="call-operation">{OPERATION_LABELS[v] ?? v}</span> },
    {
      title: '信息项',
      dataIndex: 'items',
      key: 'items',
      render: (items: string[]) => (
        <Tooltip title={items.join('、')}>
          <span>
            {items.slice(0, 4).map((i) => <Tag key={i} style={{ marginBottom: 2 }}>{i}</Tag>)}
            {items.length > 4 && <Typography.Text type="secondary">等 {items.length} 项</Typography.Text>}
          </span>
        </Tooltip>
      ),
    },
    { title: '行数', dataIndex: 'rows', key: 'rows', width: 70, render: (v: number) => <span data-testid="call-rows">{v}</span> },
    {
      title: '状态',
      key: 'status',
      width: 150,
      render: (_, c) => (
        <Tag color={c.status < 400 ? 'green' : 'red'} data-testid="call-status" data-status={c.status}>
          {c.status}{c.errorCode ? ` ${c.errorCode}` : ''}
        </Tag>
      ),
    },
    { title: '耗时', dataIndex: 'latencyMs', key: 'latency', width: 90, render: (v: number) => `${v} 毫秒` },
    { title: '客户端地址', dataIndex: 'clientIp', key: 'ip', width: 130, render: (v: string | null) => <span className="mono">{v ?? '-'}</span> },
  ];

  return (
    <Card title="调用日志" data-testid="calls-page">
      <div className="page-toolbar">
        <Space wrap>
          {member ? (
            <Segmented
              value={side}
              onChange={(v) => switchSide(v as Side)}
              options={[
                { value: 'provider', label: <span data-testid="calls-side-provider">作为提供方</span> },
                { value: 'consumer', label: <span data-testid="calls-side-consumer">作为使用方</span> },
              ]}
              data-testid="calls-side"
            />
          ) : (
            <Tag color="geekblue" data-testid="calls-side-all">全部调用（平台监督）</Tag>
          )}
          <Select allowClear placeholder="全部资源" value={resource} onChange={setResource} options={resourceOptions} showSearch={{ optionFilterProp: 'label' }} style={{ width: 200 }} data-testid="calls-filter-resource" />
          <Select allowClear placeholder="全部应用" value={app} onChange={setApp} options={appOptions} showSearch={{ optionFilterProp: 'label' }} style={{ width: 180 }} data-testid="calls-filter-app" />
          {side !== 'consumer' && (
            <Select allowClear placeholder="全部使用部门" value={consumer} onChange={setConsumer} options={consumerOptions} showSearch={{ optionFilterProp: 'label' }} style={{ width: 200 }} data-testid="calls-filter-consumer" />
          )}
          <Select
            allowClear
            placeholder="全部状态"
            value={status}
            onChange={setStatus}
            options={[{ value: 'ok', label: '成功' }, { value: 'error', label: '失败' }]}
            style={{ width: 110 }}
            data-testid="calls-filter-status"
          />
          <DatePicker.RangePicker value={range} onChange={(v) => setRange(v)} data-testid="calls-filter-range" />
        </Space>
        <Button icon={<ReloadOutlined />} onClick={() => { void calls.reload(); void stats.reload(); }} data-testid="calls-reload">刷新</Button>
      </div>
      <MessageAlert message={stats.error} />
      <CallCharts stats={stats.data} consumerChart={side !== 'consumer'} />
      <Typography.Title level={5} style={{ margin: '24px 0 12px' }}>调用明细</Typography.Title>
      <MessageAlert message={calls.error} />
      <Table<CallView>
        rowKey="id"
        size="small"
        loading={calls.loading}
        dataSource={calls.data.items}
        columns={columns}
        scroll={{ x: 1500 }}
        data-testid="calls-table"
        locale={{ emptyText: '暂无调用记录' }}
        pagination={serverPagination(page, PAGE_SIZE, calls.data.total, setPage, '次调用')}
      />
    </Card>
  );
}
