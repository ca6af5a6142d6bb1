import { ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Descriptions, Drawer, Radio, Segmented, Space, Spin, Table, Tabs, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useCurrentUser } from '../auth/AuthContext';
import { hasRole } from '../shared/access';
import { ErrorAlert } from '../shared/ErrorAlert';
import { describeError } from '../shared/errors';
import { formatTime } from '../shared/format';
import { MessageAlert } from '../shared/MessageAlert';
import { useRemoteData } from '../shared/useRemoteData';
import { useSubmit } from '../shared/useSubmit';
import { HistoryTimeline } from './RequestDetailPage';
import { byUrgency, DeadlineCountdown, deadlineDate, REPORT_STATUS, ReportStatusTag } from './SharingTags';
import { sharingApi, type ErrorReport, type ErrorReportDetail } from './sharing-api';
import { listPagination } from '../shared/pagination';
import { ReasonInput } from '../shared/ReasonInput';

type Side = 'reporter' | 'provider';
const EMPTY: ErrorReport[] = [];

/**
 * 数据纠错: reports the department made (as reporter) and reports on its resources (as provider, most urgent
 * first, with the provider's reply). /sharing/error-reports/{id} opens a report (notification links).
 */
export function ErrorReportsPage() {
  const { id: openId = null } = useParams();
  const navigate = useNavigate();
  const me = useCurrentUser();
  const [side, setSide] = useState<Side>('reporter');
  const [status, setStatus] = useState('');
  const fetch = useCallback(
    () => sharingApi.listErrorReports({ as: side, status: status || undefined }).then((r) => [...r.items].sort(byUrgency)),
    [side, status],
  );
  const list = useRemoteData(fetch, EMPTY);

  function open(id: string | null) {
    navigate(id ? `/sharing/error-reports/${id}` : '/sharing/error-reports');
  }

  const columns: TableColumnsType<ErrorReport> = [
    {
      title: '信息资源',
      key: 'resource',
      width: 200,
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <Typography.Link onClick={() => open(r.id)} data-testid="report-open">{r.resourceName}</Typography.Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.resourceCode}</Typography.Text>
        </Space>
      ),
    },
    side === 'reporter'
      ? { title: '提供部门', dataIndex: 'providerName', key: 'provider', width: 170 }
      : { title: '报告部门', key: 'reporter', width: 200, render: (_, r) => `${r.reporterOrgName}（${r.reporterUsername}）` },
    { title: '记录标识', dataIndex: 'recordKey', key: 'recordKey', width: 150, render: (v: string | null) => v ?? '-' },
    { title: '信息项', dataIndex: 'itemName', key: 'itemName', width: 120, render: (v: string | null) => v ?? '-' },
    { title: '问题描述', dataIndex: 'description', key: 'description', width: 260, ellipsis: true },
    { title: '状态', dataIndex: 'status', key: 'status', width: 130, render: (v: string) => <ReportStatusTag status={v} testId="report-status" /> },
    { title: '提交时间', dataIndex: 'createdAt', key: 'createdAt', width: 170, render: formatTime },
    { title: '剩余时间', key: 'countdown', width: 150, render: (_, r) => <DeadlineCountdown value={r} /> },
  ];

  return (
    <Card title="数据纠错" data-testid="error-reports-page">
      <Tabs
        activeKey={side}
        onChange={(k) => setSide(k as Side)}
        items={[
          { key: 'reporter', label: <span data-testid="reports-tab-reporter">本部门提交的纠错</span> },
          { key: 'provider', label: <span data-testid="reports-tab-provider">本部门资源的纠错</span> },
        ]}
      />
      <div className="page-toolbar">
        <Segmented
          value={status}
          onChange={(v) => setStatus(v as string)}
          options={[{ value: '', label: '全部' }, ...Object.entries(REPORT_STATUS).map(([value, { label }]) => ({ value, label }))]}
        />
        <Button icon={<ReloadOutlined />} onClick={() => void list.reload()}>刷新</Button>
      </div>
      <MessageAlert message={list.error} />
      <Table<ErrorReport>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.data}
        columns={columns}
        onRow={(r) => ({ style: r.overdue ? { background: '#fff1f0' } : undefined })}
        scroll={{ x: 1300 }}
        data-testid={`reports-table-${side}`}
        locale={{ emptyText: side === 'reporter' ? '暂无纠错，可在共享目录的资源详情中提交数据纠错' : '暂无针对本部门资源的纠错' }}
        pagination={listPagination()}
      />
      <ReportDrawer
        id={openId}
        onClose={() => open(null)}
        onReplied={() => void list.reload()}
        onLoaded={(r) => setSide(r.providerOrgId === me.orgId ? 'provider' : 'reporter')}
      />
    </Card>
  );
}

const REPLY_OPTIONS = [
  { value: 'confirmed', label: '已确认（将更正）' },
  { value: 'corrected', label: '已更正' },
  { value: 'rejected', label: '不是错误' },
] as const;

function ReportDrawer({ id, onClose, onReplied, onLoaded }: { id: string | null; onClose(): void; onReplied(): void; onLoaded(r: ErrorReportDetail): void }) {
  const me = useCurrentUser();
  const { message } = App.useApp();
  const [report, setReport] = useState<ErrorReportDetail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [replyStatus, setReplyStatus] = useState<'confirmed' | 'corrected' | 'rejected'>('confirmed');
  const [comment, setComment] = useState('');
  const { submitting, error, clearError, run } = useSubmit();
  const onLoadedRef = useRef(onLoaded);
  onLoadedRef.current = onLoaded;

  const load = useCallback(async (reportId: string) => {
    setLoadError(null);
    try {
      const loaded = await sharingApi.getErrorReport(reportId);
      setReport(loaded);
      onLoadedRef.current(loaded);
    } catch (e) {
      setLoadError(describeError(e));
    }
  }, []);

  useEffect(() => {
    setReport(null);
    setComment('');
    clearError();
    if (id) void load(id);
  }, [id, load, clearError]);

  const r = report;
  const canReply = !!r && hasRole(me.roles, 'dept_admin') && me.orgId === r.providerOrgId && (r.status === 'open' || r.status === 'confirmed');
  const options = r?.status === 'confirmed' ? REPLY_OPTIONS.filter((o) => o.value === 'corrected') : REPLY_OPTIONS;

  return (
    <Drawer open={id !== null} onClose={onClose} size={720} title="数据纠错详情" destroyOnHidden data-testid="report-drawer">
      <MessageAlert message={loadError} />
      {!r ? (
        !loadError && <Spin />
      ) : (
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          <Descriptions bordered size="small" column={1}>
            <Descriptions.Item label="信息资源">
              <Link to={`/catalog/resources/${r.resourceId}`}>{r.resourceName}</Link>（{r.resourceCode}）
            </Descriptions.Item>
            <Descriptions.Item label="提供部门">{r.providerName}</Descriptions.Item>
            <Descriptions.Item label="报告部门">{r.reporterOrgName}（{r.reporterUsername}）</Descriptions.Item>
            <Descriptions.Item label="记录标识">{r.recordKey ?? '-'}</Descriptions.Item>
            <Descriptions.Item label="信息项">{r.itemName ?? '-'}</Descriptions.Item>
            <Descriptions.Item label="问题描述">{r.description}</Descriptions.Item>
            <Descriptions.Item label="状态"><ReportStatusTag status={r.status} testId="report-detail-status" /></Descriptions.Item>
            <Descriptions.Item label="答复期限">
              <Space>{deadlineDate(r.deadline)}<DeadlineCountdown value={r} /></Space>
            </Descriptions.Item>
            {r.reply && <Descriptions.Item label="答复">{r.reply}（{formatTime(r.repliedAt)}）</Descriptions.Item>}
          </Descriptions>
          {canReply && (
            <Card size="small" title="核实答复" data-testid="report-reply">
              <ErrorAlert error={error} testId="reply-error" />
              <Space direction="vertical" style={{ width: '100%' }}>
                <Radio.Group
                  value={options.some((o) => o.value === replyStatus) ? replyStatus : options[0].value}
                  onChange={(e) => setReplyStatus(e.target.value)}
                  options={options.map((o) => ({ value: o.value, label: o.label }))}
                  data-testid="reply-status"
                />
                <ReasonInput value={comment} onChange={setComment} placeholder="答复说明（必填），如核实结果、更正时间" testId="reply-comment" />
                <Button
                  type="primary"
                  loading={submitting}
                  disabled={comment.trim() === ''}
                  data-testid="reply-submit"
                  onClick={() =>
                    void run(async () => {
                      const status = options.some((o) => o.value === replyStatus) ? replyStatus : options[0].value;
                      await sharingApi.replyErrorReport(r.id, status, comment.trim());
                      message.success('已答复');
                      setComment('');
                      await load(r.id);
                      onReplied();
                    })
                  }
                >
                  提交答复
                </Button>
              </Space>
            </Card>
          )}
          <Card size="small" title="办理记录">
            <HistoryTimeline history={r.history ?? []} testId="report-history" />
          </Card>
        </Space>
      )}
    </Drawer>
  );
}
