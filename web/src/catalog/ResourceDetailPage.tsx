import { Alert, App, Button, Card, Empty, Segmented, Space, Spin, Table, Timeline, Tooltip, Typography } from 'antd';
import { useCallback, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { useCurrentUser } from '../auth/AuthContext';
import { canAccess, hasRole } from '../shared/access';
import { ErrorAlert } from '../shared/ErrorAlert';
import { describeError } from '../shared/errors';
import { formatTime } from '../shared/format';
import { useRemoteRecord } from '../shared/useRemoteRecord';
import { catalogApi, type VersionSummary } from './catalog-api';
import { REVIEW_ACTION_LABELS } from './catalog-constants';
import { ShareTypeTag, StatusTag } from './CatalogTags';
import { InfoItemsTable, ResourceMetadata } from './ResourceMetadata';
import { RetireAction, ReviewActions } from './ReviewActions';
import { VersionDiffView } from './VersionDiffView';
import { ApplyShareModal } from '../sharing/ApplyShareModal';
import { ErrorReportModal } from '../sharing/ErrorReportModal';
import { DataServicesEntry } from '../data-services/DataServicesEntry';

/** One resource: its metadata and info items, versions and their diff, review history and lifecycle actions. */
export function ResourceDetailPage() {
  const { id = '' } = useParams();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [shown, setShown] = useState<'published' | 'working' | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [sharingDialog, setSharingDialog] = useState<'apply' | 'report' | null>(null);

  const fetchResource = useCallback(async () => {
    const r = await catalogApi.get(id);
    // Those who see the working version start with it; everyone else sees the published one.
    setShown(r.working ? 'working' : 'published');
    return r;
  }, [id]);
  const { data: resource, error, reload: load } = useRemoteRecord(fetchResource);

  if (error && !resource) {
    return (
      <Card title="信息资源详情">
        <ErrorAlert error={error} testId="resource-error" />
        <Button onClick={() => navigate('/catalog')}>返回共享目录</Button>
      </Card>
    );
  }
  if (!resource) return <Spin />;
  const r = resource;

  const isPlatform = hasRole(me.roles, 'platform_admin');
  const ownDepartment = me.orgId === r.providerOrgId;
  const canEdit = canAccess(me.roles, 'catalogEdit') && (isPlatform || ownDepartment);
  const working = r.working;
  const version = shown === 'working' && working ? working : r.published ?? working;
  const canSubmit = canEdit && working !== null && (working.status === 'draft' || working.status === 'returned');
  const underReview = working?.status === 'submitted';
  const editable = canEdit && r.status !== 'retired' && !underReview;
  const versions = [...r.versions].sort((a, b) => a.versionNo - b.versionNo);
  const latest = versions[versions.length - 1];
  const diffFrom = r.published && working ? r.published.versionNo : versions[versions.length - 2]?.versionNo;
  // 申请共享 and 数据纠错 are for other departments, on the published version.
  const published = r.published;
  const otherDepartment = !ownDepartment && published !== null && r.status === 'published';
  const canApply = otherDepartment && canAccess(me.roles, 'shareRequests');
  const canReport = otherDepartment && canAccess(me.roles, 'errorReports');
  const sharingResource = published && {
    id: r.id,
    name: published.name,
    providerName: r.providerName,
    shareType: published.shareType,
    shareCondition: published.shareCondition,
    items: published.items.map((item) => item.name),
  };

  async function submit() {
    setSubmitting(true);
    try {
      await catalogApi.submit(r.id);
      message.success('已提交审核');
      await load();
    } catch (e) {
      message.error(describeError(e));
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="resource-detail-page">
      {sharingResource && canApply && r.requestable && (
        <ApplyShareModal open={sharingDialog === 'apply'} onClose={() => setSharingDialog(null)} resource={sharingResource} />
      )}
      {sharingResource && canReport && (
        <ErrorReportModal open={sharingDialog === 'report'} onClose={() => setSharingDialog(null)} resource={sharingResource} />
      )}
      <Card
        title={
          <Space wrap>
            <span data-testid="resource-name">{r.name}</span>
            <StatusTag status={r.status} testId="resource-status" />
            {version && <ShareTypeTag shareType={version.shareType} />}
          </Space>
        }
        extra={
          <Space wrap>
            <Button onClick={() => navigate(-1)}>返回</Button>
            {editable && (
              <Button onClick={() => navigate(`/catalog/department/${r.id}/edit`)} data-testid="resource-edit">
                {r.status === 'published' && !working ? '编辑（生成新版本）' : '编辑'}
              </Button>
            )}
            {canSubmit && (
              <Button type="primary" loading={submitting} onClick={() => void submit()} data-testid="resource-submit">
                提交审核
              </Button>
            )}
            {canApply && r.requestable && (
              <Button type="primary" onClick={() => setSharingDialog('apply')} data-testid="resource-apply">
                申请共享
              </Button>
            )}
            {canApply && !r.requestable && (
              <Tooltip title={published?.shareType === '不予共享' ? `不予共享，依据：${published.shareCondition}` : '该资源当前不能申请共享'}>
                <Button type="primary" disabled data-testid="resource-apply">
                  申请共享
                </Button>
              </Tooltip>
            )}
            {canReport && (
              <Button onClick={() => setSharingDialog('report')} data-testid="resource-report-error">
                数据纠错
              </Button>
            )}
            {canEdit && r.status === 'published' && <RetireAction resourceId={r.id} name={r.name} onDone={() => void load()} />}
            {isPlatform && underReview && <ReviewActions resourceId={r.id} name={working!.name} onDone={() => void load()} />}
          </Space>
        }
      >
        {r.status === 'retired' && (
          <Alert type="warning" showIcon style={{ marginBottom: 16 }} data-testid="resource-retired"
            title={`该资源已于 ${formatTime(r.retiredAt)} 下架，仅供查阅，不能申请共享。`} description={r.retiredReason ? `下架原因：${r.retiredReason}` : undefined} />
        )}
        {version?.shareType === '不予共享' && (
          <Alert type="error" showIcon style={{ marginBottom: 16 }} data-testid="resource-withheld"
            title="不予共享：该资源不能申请共享" description={`依据：${version.shareCondition}`} />
        )}
        {r.status === 'published' && r.requestable && (
          <Alert type="success" showIcon style={{ marginBottom: 16 }} title="该资源已发布，可申请共享。" />
        )}
        {working && r.published && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            data-testid="resource-working"
            title={`第 ${working.versionNo} 版正在修订（${working.status === 'submitted' ? '待审核' : working.status === 'returned' ? '已退回' : '草稿'}），审核通过前共享目录中仍显示第 ${r.published.versionNo} 版。`}
            description={working.reviewComment ? `审核意见：${working.reviewComment}` : undefined}
          />
        )}
        {working && !r.published && working.reviewComment && (
          <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={`审核意见：${working.reviewComment}`} />
        )}
        {working && r.published && (
          <Segmented
            style={{ marginBottom: 12 }}
            value={shown ?? 'working'}
            onChange={(v) => setShown(v as 'published' | 'working')}
            options={[
              { value: 'published', label: `已发布版本（第 ${r.published.versionNo} 版）` },
              { value: 'working', label: `修订中版本（第 ${working.versionNo} 版）` },
            ]}
            data-testid="resource-version-switch"
          />
        )}
        {version ? (
          <ResourceMetadata version={version} code={r.code} category={r.category} relatedCategories={r.relatedCategories} testId="resource-metadata" />
        ) : (
          <Empty />
        )}
      </Card>
      {published && r.status === 'published' && (
        <DataServicesEntry resourceId={r.id} formatClass={published.formatClass} providerOrgId={r.providerOrgId} />
      )}
      <Card title={`信息项（${version?.items.length ?? 0} 项）`}>
        <InfoItemsTable items={version?.items ?? []} testId="resource-items" />
      </Card>
      <Card title="版本历史">
        <Table<VersionSummary>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={[...versions].reverse()}
          data-testid="resource-versions"
          columns={[
            { title: '版本', dataIndex: 'versionNo', key: 'versionNo', width: 80, render: (v: number) => `第 ${v} 版` },
            { title: '状态', dataIndex: 'status', key: 'status', width: 100, render: (v: string) => <StatusTag status={v} /> },
            { title: '信息资源名称', dataIndex: 'name', key: 'name' },
            { title: '创建时间', dataIndex: 'createdAt', key: 'createdAt', width: 170, render: formatTime },
            { title: '提交时间', dataIndex: 'submittedAt', key: 'submittedAt', width: 170, render: formatTime },
            { title: '审核时间', dataIndex: 'reviewedAt', key: 'reviewedAt', width: 170, render: formatTime },
            { title: '审核意见', dataIndex: 'reviewComment', key: 'reviewComment', render: (v: string | null) => v ?? '-' },
          ]}
        />
      </Card>
      <Card title="版本对比">
        {latest && diffFrom !== undefined ? (
          <VersionDiffView resourceId={r.id} versions={versions} from={diffFrom} to={latest.versionNo} />
        ) : (
          <Typography.Text type="secondary">只有一个版本，暂无可对比的版本。</Typography.Text>
        )}
      </Card>
      {(isPlatform || ownDepartment) && r.reviewHistory.length > 0 && (
        <Card title="审核记录">
          <Timeline
            data-testid="resource-review-history"
            items={[...r.reviewHistory].reverse().map((e, i) => ({
              key: i,
              color: e.action === 'approved' ? 'green' : e.action === 'returned' ? 'red' : e.action === 'retired' ? 'gray' : 'blue',
              content: (
                <span>
                  <strong>{REVIEW_ACTION_LABELS[e.action] ?? e.action}</strong>
                  {e.versionNo !== null && `（第 ${e.versionNo} 版）`} · {e.actor ?? '-'} · {formatTime(e.at)}
                  {e.comment && <div style={{ color: '#555' }}>{e.comment}</div>}
                </span>
              ),
            }))}
          />
        </Card>
      )}
    </Space>
  );
}
