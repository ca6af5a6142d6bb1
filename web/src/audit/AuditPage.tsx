import { DownloadOutlined, ReloadOutlined, SafetyCertificateOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, Button, Card, DatePicker, Form, Input, Select, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useMemo, useState } from 'react';
import type { AuditEvent, AuditVerifyResult } from '../api/types';
import { describeError } from '../shared/errors';
import { formatTime } from '../shared/format';
import { MessageAlert } from '../shared/MessageAlert';
import { useRemoteData } from '../shared/useRemoteData';
import { auditApi, fetchAuditActions, type AuditFilters } from './audit-api';
import { serverPagination } from '../shared/pagination';

const PAGE_SIZE = 20;

interface FilterValues {
  q?: string;
  actor?: string;
  action?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

function toFilters(values: FilterValues): AuditFilters {
  const [start, end] = values.range ?? [null, null];
  return {
    q: values.q?.trim() || undefined,
    actor: values.actor?.trim() || undefined,
    action: values.action || undefined,
    from: start ? start.startOf('day').toISOString() : undefined,
    to: end ? end.endOf('day').toISOString() : undefined,
  };
}

function actionColor(action: string): string | undefined {
  if (action === 'auth.login_failed' || action === 'auth.locked' || action === 'access.denied') return 'red';
  if (action.startsWith('auth.')) return 'blue';
  if (action.startsWith('user.')) return 'purple';
  if (action.startsWith('org.')) return 'cyan';
  if (action.startsWith('audit.')) return 'gold';
  return undefined;
}

function compactJson(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  try {
    return JSON.stringify(detail);
  } catch {
    return String(detail);
  }
}

export function AuditPage() {
  const [form] = Form.useForm<FilterValues>();
  const [filters, setFilters] = useState<AuditFilters>({});
  const [page, setPage] = useState(1);
  const [verifying, setVerifying] = useState(false);
  const [verify, setVerify] = useState<AuditVerifyResult | null>(null);
  const [verifyError, setVerifyError] = useState<string | null>(null);

  const fetchPage = useCallback(() => auditApi.list(filters, PAGE_SIZE, (page - 1) * PAGE_SIZE), [filters, page]);
  const { data, loading, error, reload: load } = useRemoteData(fetchPage, { items: [], total: 0 });
  const { data: actions } = useRemoteData(fetchAuditActions, []);
  const actionLabels = useMemo(() => new Map(actions.map((a) => [a.action, a.label])), [actions]);

  async function runVerify() {
    setVerifying(true);
    setVerify(null);
    setVerifyError(null);
    try {
      setVerify(await auditApi.verify());
    } catch (e) {
      setVerifyError(describeError(e));
    } finally {
      setVerifying(false);
    }
  }

  const columns: TableColumnsType<AuditEvent> = [
    { title: '时间', dataIndex: 'at', key: 'at', width: 170, render: (v: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatTime(v)}</span> },
    { title: '操作人', dataIndex: 'actor', key: 'actor', width: 120, render: (v: string | null) => v || '-' },
    {
      title: '操作',
      dataIndex: 'action',
      key: 'action',
      width: 150,
      render: (v: string) => (
        <Tooltip title={v}>
          <Tag color={actionColor(v)}>{actionLabels.get(v) ?? v}</Tag>
        </Tooltip>
      ),
    },
    { title: '对象', dataIndex: 'target', key: 'target', width: 220, ellipsis: { showTitle: true }, render: (v: string | null) => v || '-' },
    {
      title: '详情',
      dataIndex: 'detail',
      key: 'detail',
      render: (v: unknown) => {
        const text = compactJson(v);
        if (!text || text === '{}') return '-';
        return (
          <Tooltip title={<pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{JSON.stringify(v, null, 2)}</pre>}>
            <span className="mono audit-detail">{text}</span>
          </Tooltip>
        );
      },
    },
    { title: 'IP', dataIndex: 'ip', key: 'ip', width: 130, render: (v: string | null) => <span className="mono">{v || '-'}</span> },
    {
      title: '哈希',
      dataIndex: 'hash',
      key: 'hash',
      width: 120,
      render: (v: string) =>
        v ? (
          <Typography.Text className="mono" style={{ whiteSpace: 'nowrap' }} copyable={{ text: v, tooltips: ['复制完整哈希', '已复制'] }}>
            {v.slice(0, 8)}
          </Typography.Text>
        ) : (
          '-'
        ),
    },
  ];

  return (
    <Card title="审计日志" data-testid="audit-page">
      <Form<FilterValues>
        form={form}
        layout="inline"
        onFinish={(values) => {
          setFilters(toFilters(values));
          setPage(1);
        }}
        style={{ rowGap: 12, marginBottom: 16 }}
      >
        <Form.Item name="q" label="关键字">
          <Input placeholder="对象、详情等" allowClear style={{ width: 180 }} data-testid="audit-q" />
        </Form.Item>
        <Form.Item name="actor" label="操作人">
          <Input placeholder="用户名" allowClear style={{ width: 140 }} data-testid="audit-actor" />
        </Form.Item>
        <Form.Item name="action" label="操作">
          <Select
            allowClear
            placeholder="全部操作"
            style={{ width: 180 }}
            options={actions.map(({ action, label }) => ({ value: action, label: `${label}（${action}）` }))}
            showSearch={{ optionFilterProp: 'label' }}
            data-testid="audit-action"
          />
        </Form.Item>
        <Form.Item name="range" label="日期">
          <DatePicker.RangePicker allowEmpty={[true, true]} data-testid="audit-range" />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="audit-search">
              查询
            </Button>
            <Button
              onClick={() => {
                form.resetFields();
                setFilters({});
                setPage(1);
              }}
            >
              重置
            </Button>
          </Space>
        </Form.Item>
      </Form>
      <div className="page-toolbar">
        <Space wrap>
          <Button icon={<DownloadOutlined />} href={auditApi.exportUrl(filters, 'csv')} data-testid="audit-export-csv">
            导出 CSV
          </Button>
          <Button icon={<DownloadOutlined />} href={auditApi.exportUrl(filters, 'xlsx')} data-testid="audit-export-xlsx">
            导出 Excel
          </Button>
        </Space>
        <Space>
          <Button icon={<ReloadOutlined />} onClick={() => void load()}>
            刷新
          </Button>
          <Button icon={<SafetyCertificateOutlined />} loading={verifying} onClick={() => void runVerify()} data-testid="audit-verify">
            校验完整性
          </Button>
        </Space>
      </div>
      {verify && (
        <Alert
          data-testid="audit-verify-result"
          type={verify.ok ? 'success' : 'error'}
          showIcon
          closable={{ onClose: () => setVerify(null) }}
          style={{ marginBottom: 16 }}
          title={verify.ok ? `完整性校验通过：已校验 ${verify.checked} 条记录，哈希链完整` : '完整性校验失败：审计记录可能被篡改'}
          description={
            verify.firstBroken
              ? `已校验 ${verify.checked} 条，首个异常记录 ID：${verify.firstBroken.id}，原因：${verify.firstBroken.reason}`
              : undefined
          }
        />
      )}
      <MessageAlert message={verifyError} />
      <MessageAlert message={error} />
      <Table<AuditEvent>
        rowKey="id"
        columns={columns}
        dataSource={data.items}
        loading={loading}
        size="small"
        data-testid="audit-table"
        scroll={{ x: 1200 }}
        pagination={serverPagination(page, PAGE_SIZE, data.total, setPage)}
      />
    </Card>
  );
}
