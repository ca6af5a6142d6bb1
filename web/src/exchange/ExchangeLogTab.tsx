import { DownloadOutlined } from '@ant-design/icons';
import { Button, DatePicker, Select, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useMemo, useState } from 'react';
import { LOG_EVENT_LABELS, LOG_RESULT_LABELS, MODE_LABELS, type ExtractMode, type LogEvent, type LogResult } from '@shared/exchange/flows.types';
import { formatTime } from '../shared/format';
import { MessageAlert } from '../shared/MessageAlert';
import { serverPagination } from '../shared/pagination';
import { useRemoteData } from '../shared/useRemoteData';
import { formatBytes, monitoringApi, type ExchangeLogEntry, type LogFilters } from './monitoring-api';
import { Sm3Short } from './MonitoringTables';

const PAGE_SIZE = 20;
const NO_LOG = { items: [] as ExchangeLogEntry[], total: 0 };
const RESULT_COLORS: Record<LogResult, string> = { success: 'green', failure: 'red', rejected: 'volcano' };

const columns: TableColumnsType<ExchangeLogEntry> = [
  { title: '流水号', dataIndex: 'serialNo', key: 'serial', width: 190, render: (v: string) => <span className="mono" data-testid="log-serial">{v}</span> },
  { title: '事件', dataIndex: 'event', key: 'event', width: 70, render: (v: LogEvent) => <span data-testid="log-event">{LOG_EVENT_LABELS[v] ?? v}</span> },
  { title: '任务编码', dataIndex: 'taskCode', key: 'task', width: 140, render: (v: string | null) => <span className="mono">{v ?? '-'}</span> },
  { title: '资源编码', dataIndex: 'resourceCode', key: 'resource', width: 160, render: (v: string | null) => <span className="mono">{v ?? '-'}</span> },
  { title: '源节点', dataIndex: 'sourceNodeName', key: 'source', width: 200, render: (v: string | null) => v ?? '-' },
  { title: '目标节点', dataIndex: 'targetNodeName', key: 'target', width: 200, render: (v: string | null) => v ?? '-' },
  { title: '方式', dataIndex: 'mode', key: 'mode', width: 70, render: (v: string | null) => (v ? MODE_LABELS[v as ExtractMode] ?? v : '-') },
  { title: '开始时间', dataIndex: 'startedAt', key: 'startedAt', width: 170, render: formatTime },
  { title: '结束时间', dataIndex: 'finishedAt', key: 'finishedAt', width: 170, render: formatTime },
  { title: '记录数', dataIndex: 'records', key: 'records', width: 80 },
  { title: '字节数', dataIndex: 'bytes', key: 'bytes', width: 90, render: formatBytes },
  { title: '结果', dataIndex: 'result', key: 'result', width: 80, render: (v: LogResult) => <Tag color={RESULT_COLORS[v]} data-testid="log-result">{LOG_RESULT_LABELS[v] ?? v}</Tag> },
  {
    title: '错误码',
    key: 'error',
    width: 200,
    render: (_, l) => (l.errorCode ? <Tooltip title={l.errorMessage}><Typography.Text type="danger" className="mono">{l.errorCode}</Typography.Text></Tooltip> : '-'),
  },
  { title: 'SM3 校验值', dataIndex: 'sm3', key: 'sm3', width: 170, render: (v: string | null) => <Sm3Short value={v} /> },
  { title: '重试次数', dataIndex: 'retries', key: 'retries', width: 80 },
  { title: '操作者', dataIndex: 'operator', key: 'operator', width: 120, render: (v: string | null) => v ?? '-' },
];

/** 交换日志 (DOMAIN §7): filters, server paging and the CSV export of what is filtered. */
export function ExchangeLogTab({ version }: { version: number }) {
  const [event, setEvent] = useState<string | undefined>();
  const [result, setResult] = useState<string | undefined>();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [page, setPage] = useState(1);
  const filters: LogFilters = useMemo(() => ({
    event, result,
    from: range?.[0] ? range[0].startOf('day').toISOString() : undefined,
    to: range?.[1] ? range[1].endOf('day').toISOString() : undefined,
  }), [event, result, range]);
  const fetch = useCallback(() => {
    void version; // the page's 刷新 bumps it
    return monitoringApi.log({ ...filters, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  }, [filters, page, version]);
  const data = useRemoteData(fetch, NO_LOG);
  const options = (labels: Record<string, string>) => Object.entries(labels).map(([value, label]) => ({ value, label }));

  return (
    <>
      <div className="page-toolbar">
        <Space wrap>
          <Select allowClear placeholder="全部事件" value={event} onChange={(v) => { setEvent(v); setPage(1); }} options={options(LOG_EVENT_LABELS)} style={{ width: 120 }} data-testid="log-filter-event" />
          <Select allowClear placeholder="全部结果" value={result} onChange={(v) => { setResult(v); setPage(1); }} options={options(LOG_RESULT_LABELS)} style={{ width: 120 }} data-testid="log-filter-result" />
          <DatePicker.RangePicker value={range} onChange={(v) => { setRange(v); setPage(1); }} data-testid="log-filter-range" />
        </Space>
        <Button icon={<DownloadOutlined />} href={monitoringApi.logExportUrl(filters)} data-testid="log-export">导出 CSV</Button>
      </div>
      <MessageAlert message={data.error} />
      <Table<ExchangeLogEntry> rowKey="id" size="small" loading={data.loading} dataSource={data.data.items} columns={columns} scroll={{ x: 2300 }}
        data-testid="log-table" locale={{ emptyText: '暂无交换日志' }} pagination={serverPagination(page, PAGE_SIZE, data.data.total, setPage, '条')} />
    </>
  );
}
