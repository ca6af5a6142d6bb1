import { Empty, Segmented, Space, Typography } from 'antd';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { VolumePoint } from './monitoring-api';

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const HEIGHT = 300;
export type Granularity = 'hour' | 'day';

/** The bucket label in CST (the server's buckets are CST hours or days), whatever the browser's time zone. */
function label(at: string, granularity: Granularity): string {
  const cst = new Date(Date.parse(at) + 8 * 3_600_000).toISOString();
  return granularity === 'hour' ? `${cst.slice(11, 13)}:00` : cst.slice(5, 10);
}

/** 交换量: records per bucket as bars, batches and failures as lines (right axis). */
export function MonitoringChart({ points, granularity, onGranularity }: { points: VolumePoint[]; granularity: Granularity; onGranularity: (g: Granularity) => void }) {
  const empty = points.every((p) => p.batches === 0 && p.records === 0 && p.failures === 0 && p.deliveries === 0);
  const option: echarts.EChartsCoreOption = {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: ['记录数', '批次数', '投递回执', '失败次数'] },
    grid: { left: 56, right: 48, top: 40, bottom: 32 },
    xAxis: { type: 'category', data: points.map((p) => label(p.at, granularity)) },
    yAxis: [
      { type: 'value', name: '记录', minInterval: 1 },
      { type: 'value', name: '次数', minInterval: 1, splitLine: { show: false } },
    ],
    series: [
      { name: '记录数', type: 'bar', barMaxWidth: 24, data: points.map((p) => p.records), itemStyle: { color: '#1677ff' } },
      { name: '批次数', type: 'line', yAxisIndex: 1, showSymbol: false, data: points.map((p) => p.batches), itemStyle: { color: '#52c41a' } },
      { name: '投递回执', type: 'line', yAxisIndex: 1, showSymbol: false, data: points.map((p) => p.deliveries), itemStyle: { color: '#13c2c2' } },
      { name: '失败次数', type: 'line', yAxisIndex: 1, showSymbol: false, data: points.map((p) => p.failures), itemStyle: { color: '#ff4d4f' }, lineStyle: { color: '#ff4d4f' } },
    ],
  };
  return (
    <div data-testid="monitoring-chart" data-empty={empty ? 'true' : 'false'}>
      <Space style={{ marginBottom: 8, width: '100%', justifyContent: 'space-between' }}>
        <Typography.Text strong>交换量</Typography.Text>
        <Segmented
          value={granularity}
          onChange={(v) => onGranularity(v as Granularity)}
          options={[
            { value: 'hour', label: <span data-testid="monitoring-range-hour">近 24 小时（按小时）</span> },
            { value: 'day', label: <span data-testid="monitoring-range-day">近 30 天（按天）</span> },
          ]}
        />
      </Space>
      {points.length === 0 ? (
        <Empty description="暂无交换数据" style={{ height: HEIGHT, paddingTop: 80 }} />
      ) : (
        <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height: HEIGHT, width: '100%' }} />
      )}
    </div>
  );
}
