import { Card, Col, Empty, Row, Statistic } from 'antd';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { CallStats } from './data-services-api';

echarts.use([LineChart, BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const HEIGHT = 280;

function Chart({ option, testId, empty }: { option: echarts.EChartsCoreOption; testId: string; empty: boolean }) {
  return (
    <div data-testid={testId} data-empty={empty ? 'true' : 'false'} style={{ height: HEIGHT }}>
      {empty ? (
        <Empty description="暂无调用" style={{ paddingTop: 80 }} />
      ) : (
        <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height: HEIGHT, width: '100%' }} />
      )}
    </div>
  );
}

/** 调用统计: calls per day (with errors), per resource, per consumer department, and latency. */
export function CallCharts({ stats, consumerChart }: { stats: CallStats; consumerChart: boolean }) {
  const total = stats.byDay.reduce((n, d) => n + d.calls, 0);
  const errors = stats.byDay.reduce((n, d) => n + d.errors, 0);
  const rows = stats.byDay.reduce((n, d) => n + d.rows, 0);
  const days = [...stats.byDay].sort((a, b) => a.day.localeCompare(b.day));

  const byDay: echarts.EChartsCoreOption = {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: ['调用次数', '失败次数'] },
    grid: { left: 48, right: 24, top: 40, bottom: 32 },
    xAxis: { type: 'category', data: days.map((d) => d.day.slice(0, 10)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: '调用次数', type: 'line', smooth: true, data: days.map((d) => d.calls) },
      { name: '失败次数', type: 'line', smooth: true, data: days.map((d) => d.errors), itemStyle: { color: '#ff4d4f' }, lineStyle: { color: '#ff4d4f' } },
    ],
  };
  const resources = [...stats.byResource].sort((a, b) => b.calls - a.calls).slice(0, 10).reverse();
  const byResource: echarts.EChartsCoreOption = {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0, data: ['成功', '失败'] },
    grid: { left: 140, right: 24, top: 40, bottom: 24 },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: resources.map((r) => r.resourceName ?? r.resourceCode ?? r.resourceId), axisLabel: { width: 120, overflow: 'truncate' } },
    series: [
      { name: '成功', type: 'bar', stack: 'calls', barMaxWidth: 28, data: resources.map((r) => r.calls - r.errors), itemStyle: { color: '#1677ff' } },
      { name: '失败', type: 'bar', stack: 'calls', barMaxWidth: 28, data: resources.map((r) => r.errors), itemStyle: { color: '#ff4d4f' } },
    ],
  };
  const byConsumer: echarts.EChartsCoreOption = {
    tooltip: { trigger: 'item', formatter: '{b}：{c} 次（{d}%）' },
    legend: { type: 'scroll', bottom: 0 },
    series: [
      {
        name: '使用部门',
        type: 'pie',
        radius: ['35%', '65%'],
        center: ['50%', '45%'],
        data: stats.byConsumer.map((c) => ({ name: c.orgName ?? '未知部门', value: c.calls })),
        label: { formatter: '{b}\n{c} 次' },
      },
    ],
  };

  return (
    <div data-testid="calls-charts">
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={12} md={6}><Card size="small"><Statistic title="调用次数" value={total} data-testid="calls-stat-total" /></Card></Col>
        <Col xs={12} md={6}><Card size="small"><Statistic title="失败次数" value={errors} valueStyle={errors ? { color: '#cf1322' } : undefined} data-testid="calls-stat-errors" /></Card></Col>
        <Col xs={12} md={6}><Card size="small"><Statistic title="返回行数" value={rows} /></Card></Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title="耗时 P50 / P95"
              value={stats.latency.p50 === null ? '-' : `${Math.round(stats.latency.p50)} / ${Math.round(stats.latency.p95 ?? 0)}`}
              suffix={stats.latency.p50 === null ? undefined : '毫秒'}
              data-testid="calls-stat-latency"
            />
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={consumerChart ? 12 : 24}>
          <Card size="small" title="每日调用">
            <Chart option={byDay} testId="calls-chart-day" empty={days.length === 0} />
          </Card>
        </Col>
        {consumerChart && (
          <Col xs={24} xl={12}>
            <Card size="small" title="按使用部门">
              <Chart option={byConsumer} testId="calls-chart-consumer" empty={stats.byConsumer.length === 0} />
            </Card>
          </Col>
        )}
        <Col xs={24}>
          <Card size="small" title="按信息资源（前 10）">
            <Chart option={byResource} testId="calls-chart-resource" empty={resources.length === 0} />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
