import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Drawer, Input, Select, Space, Spin, Table, Typography, type TableColumnsType } from 'antd';
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
import { serverPagination } from '../shared/pagination';

const PAGE_SIZE = 10;

/** 目录审核: the platform admin's review queue; open a resource to see its diff and approve or return it. */
export function ReviewQueuePage() {
  const loadOrgs = useCallback(() => identityApi.listOrgs(), []);
  const orgs = useRemoteData(loadOrgs, [] as Org[]);
  const [provider, setProvider] = useState<string | undefined>(undefined);
  const [keyword, setKeyword] = useState('');
  const [page, setPage] = useState(1);
  const [openId, setOpenId] = useState<string | null>(null);

  // Oldest submission first: the one waiting longest is reviewed first.
  const fetchQueue = useCallback(
    () => catalogApi.search({ scope: 'review', provider, q: keyword || undefined, sort: 'submittedAt', limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    [provider, keyword, page],
  );
  const queue = useRemoteData(fetchQueue, { total: 0, items: [] as SearchHit[] } as { total: number; items: SearchHit[] });

  const columns: TableColumnsType<SearchHit> = [
    { title: '信息资源名称', dataIndex: 'name', key: 'name', render: (v: string, r) => <Typography.Link onClick={() => setOpenId(r.id)} data-testid="review-open">{v}</Typography.Link> },
    { title: '信息资源代码', dataIndex: 'code', key: 'code', width: 170, render: (v: string) => <span className="mono">{v}</span> },
    { title: '提供部门', dataIndex: 'providerName', key: 'providerName', width: 220 },
    { title: '共享类型', dataIndex: 'shareType', key: 'shareType', width: 110, render: (v: string) => <ShareTypeTag shareType={v} /> },
    { title: '提交时间', dataIndex: 'submittedAt', key: 'submittedAt', width: 170, render: (v: string | null) => formatTime(v) },
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
          <Input.Search
            allowClear
            placeholder="资源名称、信息项、摘要"
            onSearch={(v) => { setKeyword(v.trim()); setPage(1); }}
            style={{ width: 260 }}
            data-testid="review-search"
          />
          <Typography.Text type="secondary" data-testid="review-page-total">待审核 {queue.data.total} 条</Typography.Text>
        </Space>
        <Button icon={<ReloadOutlined />} onClick={() => void queue.reload()}>刷新</Button>
      </div>
      <MessageAlert message={orgs.error ?? queue.error} />
      <Table<SearchHit>
        rowKey="id"
        columns={columns}
        dataSource={queue.data.items}
        loading={queue.loading || orgs.loading}
        size="middle"
        data-testid="review-table"
        locale={{ emptyText: '没有待审核的信息资源' }}
        pagination={serverPagination(page, PAGE_SIZE, queue.data.total, setPage)}
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
