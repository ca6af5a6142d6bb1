import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Col, Row, Statistic, Tabs } from 'antd';
import { useCallback, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useCurrentUser } from '../auth/AuthContext';
import { hasRole } from '../shared/access';
import { MessageAlert } from '../shared/MessageAlert';
import { useRemoteData } from '../shared/useRemoteData';
import { ExchangeLogTab } from './ExchangeLogTab';
import { MonitoringChart, type Granularity } from './MonitoringChart';
import { BatchesTab, DeliveriesTab, FailuresTab, RunsTab } from './MonitoringTables';
import { monitoringApi, type ExchangeSummary, type VolumePoint } from './monitoring-api';

const NO_SUMMARY: ExchangeSummary = { nodesOnline: 0, nodesTotal: 0, tasksActive: 0, subscriptionsActive: 0, batchesToday: 0, recordsToday: 0, failuresOpen: 0, backlog: 0 };
const NO_POINTS: VolumePoint[] = [];
const TABS = ['batches', 'deliveries', 'runs', 'failures', 'log'] as const;
type TabKey = (typeof TABS)[number];

function Stat({ title, value, testId, danger }: { title: string; value: number | string; testId: string; danger?: boolean }) {
  return (
    <Col xs={12} md={6} xl={3}>
      <Card size="small">
        <Statistic title={title} value={value} data-testid={testId} valueStyle={danger ? { color: '#cf1322' } : undefined} />
      </Card>
    </Col>
  );
}

/**
 * 交换监控: an overview (nodes, tasks, today's volume, open failures, backlog), the volume chart, and the
 * batches, deliveries, runs, failures (with 重试) and exchange log of what the user may see. `?tab=failures`
 * opens the failures (the alerts in the inbox link there).
 */
export function MonitoringPage() {
  const me = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const tab: TabKey = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as TabKey) : 'batches';
  const [granularity, setGranularity] = useState<Granularity>('hour');
  const [version, setVersion] = useState(0);
  const canRetry = hasRole(me.roles, 'dept_admin') || hasRole(me.roles, 'platform_admin');

  const fetchSummary = useCallback(() => { void version; return monitoringApi.summary(); }, [version]);
  const summary = useRemoteData(fetchSummary, NO_SUMMARY);
  const fetchVolume = useCallback(() => { void version; return monitoringApi.volume(granularity); }, [granularity, version]);
  const volume = useRemoteData(fetchVolume, NO_POINTS);
  const s = summary.data;
  const refresh = () => setVersion((v) => v + 1);

  return (
    <Card
      title="交换监控"
      data-testid="monitoring-page"
      extra={<Button icon={<ReloadOutlined />} onClick={refresh} data-testid="monitoring-reload">刷新</Button>}
    >
      <MessageAlert message={summary.error} />
      <Row gutter={[12, 12]} style={{ marginBottom: 16 }} data-testid="monitoring-summary">
        <Stat title="在线前置机" value={`${s.nodesOnline} / ${s.nodesTotal}`} testId="stat-nodes" />
        <Stat title="运行中发布任务" value={s.tasksActive} testId="stat-tasks" />
        <Stat title="运行中订阅" value={s.subscriptionsActive} testId="stat-subscriptions" />
        <Stat title="今日批次" value={s.batchesToday} testId="stat-batches-today" />
        <Stat title="今日记录数" value={s.recordsToday} testId="stat-records-today" />
        <Stat title="待处理失败" value={s.failuresOpen} testId="stat-failures" danger={s.failuresOpen > 0} />
        <Stat title="投递积压" value={s.backlog} testId="stat-backlog" />
      </Row>
      <Card size="small" style={{ marginBottom: 16 }}>
        <MessageAlert message={volume.error} />
        <MonitoringChart points={volume.data} granularity={granularity} onGranularity={setGranularity} />
      </Card>
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams(key === 'batches' ? {} : { tab: key }, { replace: true })}
        destroyOnHidden
        data-testid="monitoring-tabs"
        items={[
          { key: 'batches', label: <span data-testid="tab-batches">批次</span>, children: <BatchesTab version={version} /> },
          { key: 'deliveries', label: <span data-testid="tab-deliveries">投递</span>, children: <DeliveriesTab version={version} /> },
          { key: 'runs', label: <span data-testid="tab-runs">运行</span>, children: <RunsTab version={version} /> },
          {
            key: 'failures',
            label: <span data-testid="tab-failures">失败{s.failuresOpen ? `（${s.failuresOpen}）` : ''}</span>,
            children: <FailuresTab version={version} canRetry={canRetry} onChanged={() => void summary.reload()} />,
          },
          { key: 'log', label: <span data-testid="tab-log">交换日志</span>, children: <ExchangeLogTab version={version} /> },
        ]}
      />
    </Card>
  );
}
