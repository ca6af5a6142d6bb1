import { PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Empty, List, Popconfirm, Space, Spin, Tag, Timeline, Typography, Upload } from 'antd';
import { useCallback } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../api/client';
import { useCurrentUser } from '../auth/AuthContext';
import { hasRole } from '../shared/access';
import { ErrorAlert } from '../shared/ErrorAlert';
import { describeError } from '../shared/errors';
import { Forbidden } from '../shared/Forbidden';
import { formatTime } from '../shared/format';
import { MessageAlert } from '../shared/MessageAlert';
import { useRemoteData } from '../shared/useRemoteData';
import { useSubmit } from '../shared/useSubmit';
import { DecisionPanel } from './DecisionPanel';
import { DeadlineCountdown, deadlineDate, formatSize, historyLabel, MaskingSummary, RequestStatusTag } from './SharingTags';
import { sharingApi, type HistoryEntry, type ShareRequestDetail } from './sharing-api';

/** Loads a request, keeping a 403/404 apart from other failures (they replace the page). */
function useShareRequest(id: string) {
  const fetch = useCallback(() => sharingApi.getRequest(id).then((r) => ({ request: r, denied: null as ApiError | null }), (e: unknown) => {
    if (e instanceof ApiError && (e.status === 403 || e.status === 404)) return { request: null, denied: e };
    throw e;
  }), [id]);
  return useRemoteData(fetch, { request: null as ShareRequestDetail | null, denied: null as ApiError | null });
}

/**
 * One share request: what was asked and why, the attachments, the history; the applicant may withdraw it while
 * pending, the provider's dept_admin (and the platform admin at 待复核) decides it here.
 */
export function RequestDetailPage({ reviewing = false }: { reviewing?: boolean }) {
  const { id = '' } = useParams();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const { data, loading, error, reload } = useShareRequest(id);
  const withdraw = useSubmit();
  const upload = useSubmit();

  if (data.denied?.status === 403) return <Forbidden />;
  if (!data.request) {
    if (loading) return <Spin />;
    return (
      <Card title="共享申请">
        <MessageAlert message={data.denied ? '共享申请不存在' : error} />
        <Button onClick={() => navigate(-1)}>返回</Button>
      </Card>
    );
  }
  const r = data.request;
  const applicant = me.orgId === r.applicantOrgId;
  const canDecide =
    (r.status === 'pending' && hasRole(me.roles, 'dept_admin') && me.orgId === r.providerOrgId) ||
    (r.status === 'second_review' && hasRole(me.roles, 'platform_admin'));
  const canWithdraw = applicant && r.status === 'pending' && (hasRole(me.roles, 'dept_admin') || hasRole(me.roles, 'dept_user'));
  const canUpload = canWithdraw;

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="share-request-page">
      <Card
        title={
          <Space wrap>
            <span>共享申请：</span>
            <Link to={`/catalog/resources/${r.resourceId}`} data-testid="request-resource">{r.resourceName}</Link>
            <RequestStatusTag status={r.status} testId="request-status" />
            {r.renewalOfGrantId && <Tag color="cyan">续期申请</Tag>}
          </Space>
        }
        extra={
          <Space>
            <Button onClick={() => navigate(-1)}>返回</Button>
            {canWithdraw && (
              <Popconfirm
                title="撤回该申请？"
                description="撤回后提供部门不再审核，如需使用数据须重新申请。"
                okText="撤回"
                cancelText="取消"
                onConfirm={() =>
                  withdraw.run(async () => {
                    await sharingApi.withdraw(r.id);
                    message.success('已撤回申请');
                    await reload();
                  })
                }
              >
                <Button danger loading={withdraw.submitting} data-testid="request-withdraw">撤回申请</Button>
              </Popconfirm>
            )}
          </Space>
        }
      >
        <ErrorAlert error={withdraw.error} />
        {reviewing && !canDecide && (r.status === 'pending' || r.status === 'second_review') && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 16 }}
            data-testid="request-no-decision"
            title={r.status === 'pending' ? `该申请由${r.providerName}的部门管理员审核，您无权作出审核决定。` : '该申请待平台管理员复核，您无权作出复核决定。'}
          />
        )}
        {r.status === 'refused' && r.decisionReason && (
          <Alert type="error" showIcon style={{ marginBottom: 16 }} title={`拒绝理由：${r.decisionReason}`} data-testid="request-refusal" />
        )}
        {r.status === 'approved' && data.request.grantId && (
          <Alert
            type="success"
            showIcon
            style={{ marginBottom: 16 }}
            title="已同意，授权已生效"
            action={<Button size="small" onClick={() => navigate('/sharing/grants')}>查看授权</Button>}
          />
        )}
        <Descriptions bordered size="small" column={2} data-testid="request-details">
          <Descriptions.Item label="信息资源代码">{r.resourceCode}</Descriptions.Item>
          <Descriptions.Item label="共享类型">{r.shareType}</Descriptions.Item>
          <Descriptions.Item label="提供部门">{r.providerName}</Descriptions.Item>
          <Descriptions.Item label="申请部门">
            {r.applicantOrgName}（{r.applicantUsername}）
          </Descriptions.Item>
          <Descriptions.Item label="申请的信息项" span={2}>
            <span data-testid="request-items">
              {r.items.map((item) => (
                <Tag key={item}>{item}</Tag>
              ))}
            </span>
          </Descriptions.Item>
          <Descriptions.Item label="用途" span={2}>
            <span data-testid="request-purpose">{r.purpose}</span>
          </Descriptions.Item>
          <Descriptions.Item label="依据" span={2}>
            <span data-testid="request-basis">{r.basis}</span>
          </Descriptions.Item>
          <Descriptions.Item label="使用系统/应用">{r.applicationName}</Descriptions.Item>
          <Descriptions.Item label="使用期限">
            {r.validFrom} 至 {r.validTo}
          </Descriptions.Item>
          <Descriptions.Item label="申请时间">{formatTime(r.createdAt)}</Descriptions.Item>
          <Descriptions.Item label="答复期限">
            <Space>
              <span>{deadlineDate(r.deadline)}</span>
              <DeadlineCountdown value={r} />
            </Space>
          </Descriptions.Item>
          {r.decidedAt && <Descriptions.Item label="决定时间">{formatTime(r.decidedAt)}</Descriptions.Item>}
          {r.decision && (
            <>
              <Descriptions.Item label="同意的信息项" span={2}>
                {r.decision.items.map((item) => (
                  <Tag key={item} color="green">{item}</Tag>
                ))}
              </Descriptions.Item>
              <Descriptions.Item label="脱敏规则" span={2}>
                <MaskingSummary masking={r.decision.masking} testId="request-masking" />
              </Descriptions.Item>
              <Descriptions.Item label="授权截止">{r.decision.validTo}</Descriptions.Item>
              <Descriptions.Item label="每日调用限额">{r.decision.dailyQuota ?? '不限'}</Descriptions.Item>
            </>
          )}
        </Descriptions>
      </Card>

      {canDecide && (
        <Card title={r.status === 'second_review' ? '平台复核' : '审核决定'}>
          <DecisionPanel request={r} onDecided={() => void reload()} />
        </Card>
      )}

      <Card
        title="附件"
        extra={
          canUpload && (
            <Upload
              showUploadList={false}
              accept=".pdf,.ofd,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png"
              beforeUpload={(file) => {
                void upload.run(async () => {
                  await sharingApi.uploadAttachment(r.id, file);
                  message.success(`已上传“${file.name}”`);
                  await reload();
                });
                return false;
              }}
            >
              <Button icon={<UploadOutlined />} loading={upload.submitting} data-testid="request-upload">上传附件</Button>
            </Upload>
          )
        }
      >
        {upload.error !== null && <MessageAlert message={describeError(upload.error)} />}
        {r.attachments.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="无附件" />
        ) : (
          <List
            size="small"
            data-testid="request-attachments"
            dataSource={r.attachments}
            renderItem={(a) => (
              <List.Item>
                <Space>
                  <PaperClipOutlined />
                  <a href={sharingApi.attachmentUrl(r.id, a.id)} target="_blank" rel="noreferrer">{a.filename}</a>
                  <Typography.Text type="secondary">{formatSize(a.size)}</Typography.Text>
                  {a.sm3 && <Typography.Text type="secondary" className="mono" title="SM3 杂凑值">SM3 {a.sm3.slice(0, 16)}…</Typography.Text>}
                </Space>
              </List.Item>
            )}
          />
        )}
      </Card>

      <Card title="办理记录">
        <HistoryTimeline history={r.history} testId="request-history" />
      </Card>
    </Space>
  );
}

export function HistoryTimeline({ history, testId }: { history: HistoryEntry[]; testId?: string }) {
  if (history.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无记录" />;
  return (
    <Timeline
      data-testid={testId}
      items={history.map((e, i) => ({
        key: i,
        color: /refus|reject|revok|withdraw/.test(e.action) ? 'red' : /approv|grant|correct/.test(e.action) ? 'green' : 'blue',
        content: (
          <span>
            <strong>{historyLabel(e.action)}</strong> · {e.orgName ? `${e.orgName} ` : ''}
            {e.actor ?? '-'} · {formatTime(e.at)}
            {e.comment && <div style={{ color: '#555' }}>{e.comment}</div>}
          </span>
        ),
      }))}
    />
  );
}
