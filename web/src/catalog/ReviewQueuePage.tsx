import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Drawer, Select, Space, Spin, Table, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import type { Org } from '../api/types';
import { identityApi } from '../identity/identity-api';
import { describeError } from '../shared/errors';
import { formatTime } from '../shared/format';
import { MessageAlert } from '../shared/MessageAlert';
import { useRemoteData } from '../shared/useRemoteData';
import { catalogApi, type ResourceDetail, type SearchHit } from './catalog-api';
import { ShareTypeTag } from './CatalogTags';
import { InfoItemsTable, ResourceMetadata } from './ResourceMetadata';
import { ReviewActions } from './ReviewActions';
import { VersionDiffView } from './VersionDiffView';

const PAGE_SIZE = 10;

/**
 * The submitted resources of every department. GET /resources has no cross-department scope, so the
 * queue asks each department's catalog for its `submitted` resources (see the report on the catalog API).
 */
async function loadQueue(orgs: Org[]): Promise<SearchHit[]> {
  const pages = await Promise.all(
    orgs.map((org) => catalogApi.search({ scope: 'department', provider: org.uscc, status: 'submitted', sort: 'publishDate', limit: 500 }).then((r) => r.items)),
  );
  return pages.flat();
}

/** 目录审核: the platform admin's review queue; open a resource to see its diff and approve or return it. */
export function ReviewQueuePage() {
  const loadOrgs = useCallback(() => identityApi.listOrgs(), []);
  const orgs = useRemoteData(loadOrgs, [] as Org[]);
  const [provider, setProvider] = useState<string | undefined>(undefined);
  const [page, setPage] = useState(1);
  const [submittedAt, setSubmittedAt] = useState<Record<string, string | null>>({});
  const [openId, setOpenId] = useState<string | null>(null);

  const fetchQueue = useCallback(
    () => (orgs.loading ? Promise.resolve([]) : loadQueue(provider ? orgs.data.filter((o) => o.uscc === provider) : orgs.data)),
    [orgs.loading, orgs.data, provider],
  );
  const queue = useRemoteData(fetchQueue, [] as SearchHit[]);

  // The submit time is on the resource's working version: fetched for the rows on screen.
  const visible = queue.data.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const missing = visible.filter((hit) => !(hit.id in submittedAt)).map((h) => h.id).join(',');
  useEffect(() => {
    if (!missing) return;
    let cancelled = false;
    void Promise.all(missing.split(',').map((id) => catalogApi.get(id).then((r) => [id, r.working?.submittedAt ?? null] as const, () => [id, null] as const))).then(
      (pairs) => !cancelled && setSubmittedAt((s) => ({ ...s, ...Object.fromEntries(pairs) })),
    );
    return () => {
      cancelled = true;
    };
  }, [missing]);

  const columns: TableColumnsType<SearchHit> = [
    { title: '信息资源名称', dataIndex: 'name', key: 'name', render: (v: string, r) => <Typography.Link onClick={() => setOpenId(r.id)} data-testid="review-open">{v}</Typography.Link> },
    { title: '信息资源代码', dataIndex: 'code', key: 'code', width: 170, render: (v: string) => <span className="mono">{v}</span> },
    { title: '提供部门', dataIndex: 'providerName', key: 'providerName', width: 220 },
    { title: '共享类型', dataIndex: 'shareType', key: 'shareType', width: 110, render: (v: string) => <ShareTypeTag shareType={v} /> },
    { title: '提交时间', key: 'submittedAt', width: 170, render: (_, r) => (r.id in submittedAt ? formatTime(submittedAt[r.id]) : <Spin size="small" />) },
    { title: '操作', key: 'actions', width: 90, render: (_, r) => <Button type="link" size="small" onClick={() => setOpenId(r.id)}>审核</Button> },
  ];

  return (
    <Card title="目录审核" data-testid="review-queue-page">
      <div className="page-toolbar">
        <Space wrap>
          <Select
            allowClear
            placeholder="全部部门"
            value={provider}
            onChange={(v: string | undefined) => { setProvider(v); setPage(1); }}
            options={orgs.data.map((o) => ({ value: o.uscc, label: o.name }))}
            showSearch={{ optionFilterProp: 'label' }}
            style={{ width: 240 }}
          />
          <Typography.Text type="secondary">待审核 {queue.data.length} 条</Typography.Text>
        </Space>
        <Button icon={<ReloadOutlined />} onClick={() => void queue.reload()}>刷新</Button>
      </div>
      <MessageAlert message={orgs.error ?? queue.error} />
      <Table<SearchHit>
        rowKey="id"
        columns={columns}
        dataSource={queue.data}
        loading={queue.loading || orgs.loading}
        size="middle"
        data-testid="review-table"
        locale={{ emptyText: '没有待审核的信息资源' }}
        pagination={{ current: page, pageSize: PAGE_SIZE, total: queue.data.length, onChange: setPage, showSizeChanger: false, showTotal: (t) => `共 ${t} 条` }}
      />
      <ReviewDrawer id={openId} onClose={() => setOpenId(null)} onReviewed={() => { setOpenId(null); void queue.reload(); }} />
    </Card>
  );
}

/** A submitted resource: its diff against the published version (if any), the submitted metadata, and 通过 / 退回. */
function ReviewDrawer({ id, onClose, onReviewed }: { id: string | null; onClose(): void; onReviewed(): void }) {
  const [resource, setResource] = useState<ResourceDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setResource(null);
    setError(null);
    if (!id) return;
    catalogApi.get(id).then(setResource, (e) => setError(describeError(e)));
  }, [id]);

  const working = resource?.working ?? null;
  const published = resource?.published ?? null;
  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      size={960}
      title={resource ? `审核：${working?.name ?? resource.name}` : '审核'}
      data-testid="review-drawer"
      extra={resource && working?.status === 'submitted' && <ReviewActions resourceId={resource.id} name={working.name} onDone={onReviewed} />}
    >
      <MessageAlert message={error} />
      {!resource && !error && <Spin />}
      {resource && (
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          <Space wrap>
            <span>提供部门：{resource.providerName}</span>
            <span>提交时间：{formatTime(working?.submittedAt)}</span>
            <Link to={`/catalog/resources/${resource.id}`}>查看资源详情</Link>
          </Space>
          {working?.status !== 'submitted' && <Alert type="info" showIcon title="该资源当前没有待审核的版本。" />}
          {published && working ? (
            <Card size="small" title={`与已发布的第 ${published.versionNo} 版对比`}>
              <VersionDiffView resourceId={resource.id} versions={resource.versions} from={published.versionNo} to={working.versionNo} fixed />
            </Card>
          ) : (
            <Alert type="info" showIcon title="新建资源，尚无已发布版本。" />
          )}
          {working && (
            <>
              <ResourceMetadata version={working} code={resource.code} category={resource.category} relatedCategories={resource.relatedCategories} testId="review-metadata" />
              <InfoItemsTable items={working.items} testId="review-items" />
            </>
          )}
        </Space>
      )}
    </Drawer>
  );
}
