import { ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Select, Space, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { resourceKindOf, type DataResourceKind } from '@shared/data-services/resource-kinds';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { useCurrentUser } from '../auth/AuthContext';
import { catalogApi, type SearchHit } from '../catalog/catalog-api';
import { hasRole } from '../shared/access';
import { describeError } from '../shared/errors';
import { MessageAlert } from '../shared/MessageAlert';
import { listPagination } from '../shared/pagination';
import { useRemoteData } from '../shared/useRemoteData';
import { GrantStatusTag, MaskingSummary } from '../sharing/SharingTags';
import { KindTag, managePage, resourceLink } from './DataServicesCommon';
import { dataServicesApi, type AppView, type ConsumerGrant } from './data-services-api';

type Side = 'provider' | 'consumer';
type ProvidedResource = SearchHit & { kind: DataResourceKind | null };

const NO_RESOURCES: ProvidedResource[] = [];
const NO_GRANTS: ConsumerGrant[] = [];
const NO_APPS: AppView[] = [];

/**
 * The department's published resources with their kind. The catalog search gives no format class per hit,
 * so the kind comes from one search per format class the department's facet lists.
 */
async function providedResources(): Promise<ProvidedResource[]> {
  const base = { scope: 'department' as const, status: 'published', sort: 'publishDate' as const, limit: 500 };
  const all = await catalogApi.search(base);
  const kinds = new Map<string, DataResourceKind>();
  const classes = all.facets.formatClass.filter((f) => f.count > 0).map((f) => f.value);
  await Promise.all(
    classes.map(async (formatClass) => {
      const hits = await catalogApi.search({ ...base, formatClass });
      for (const hit of hits.items) kinds.set(hit.id, resourceKindOf(formatClass));
    }),
  );
  return all.items.filter((h) => h.status === 'published').map((h) => ({ ...h, kind: kinds.get(h.id) ?? null }));
}

/** 数据服务资源: what the department provides through data services, and the grants it may call. */
export function DataResourcesPage() {
  const [side, setSide] = useState<Side>('provider');
  return (
    <Card title="数据服务资源" data-testid="data-resources-page">
      <Tabs
        activeKey={side}
        onChange={(k) => setSide(k as Side)}
        items={[
          { key: 'provider', label: <span data-testid="ds-tab-provider">本部门提供的资源</span> },
          { key: 'consumer', label: <span data-testid="ds-tab-consumer">本部门获得的授权</span> },
        ]}
      />
      {side === 'provider' ? <ProvidedList /> : <GrantedList />}
    </Card>
  );
}

function ProvidedList() {
  const me = useCurrentUser();
  const list = useRemoteData(providedResources, NO_RESOURCES);
  const columns: TableColumnsType<ProvidedResource> = [
    {
      title: '信息资源',
      key: 'name',
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <Link to={`/catalog/resources/${r.id}`} data-testid="ds-resource">{r.name}</Link>
          <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>{r.code}</Typography.Text>
        </Space>
      ),
    },
    { title: '服务方式', dataIndex: 'kind', key: 'kind', width: 100, render: (k: DataResourceKind | null) => (k ? <KindTag kind={k} testId="ds-kind" /> : '-') },
    { title: '共享类型', dataIndex: 'shareType', key: 'shareType', width: 110 },
    { title: '发布日期', dataIndex: 'publishDate', key: 'publishDate', width: 110 },
    {
      title: '操作',
      key: 'actions',
      width: 200,
      render: (_, r) => {
        const page = r.kind ? managePage(r.kind) : null;
        return (
          <Space size="middle">
            {page && <Link to={resourceLink(r.id, page.path as 'datastore')} data-testid={page.testId}>{page.label}</Link>}
            <Link to={resourceLink(r.id, 'api')} data-testid="ds-link-api">接口文档</Link>
          </Space>
        );
      },
    },
  ];
  return (
    <>
      <div className="page-toolbar">
        <Typography.Text type="secondary">
          {me.orgName}已发布的信息资源：库表类资源装载数据后按授权提供查询、核验；文件类资源上传文件版本；接口类资源登记上游接口后由平台代理调用。
        </Typography.Text>
        <Button icon={<ReloadOutlined />} onClick={() => void list.reload()}>刷新</Button>
      </div>
      <MessageAlert message={list.error} />
      <Table<ProvidedResource>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.data}
        columns={columns}
        data-testid="ds-provider-table"
        locale={{ emptyText: '本部门暂无已发布的信息资源' }}
        pagination={listPagination('个资源')}
      />
    </>
  );
}

function GrantedList() {
  const me = useCurrentUser();
  const { message } = App.useApp();
  const canNarrow = hasRole(me.roles, 'dept_admin');
  const grants = useRemoteData(dataServicesApi.consumerGrants, NO_GRANTS);
  const apps = useRemoteData(dataServicesApi.apps, NO_APPS);
  // The application each grant is narrowed to: as loaded with the grants, then as last set here.
  const [narrowed, setNarrowed] = useState<Record<string, string | null>>({});
  const [saving, setSaving] = useState<string | null>(null);
  useEffect(() => {
    setNarrowed(Object.fromEntries(grants.data.map((g) => [g.id, g.appId])));
  }, [grants.data]);

  const setApp = useCallback(
    async (grant: ConsumerGrant, appId: string | null) => {
      setSaving(grant.id);
      try {
        const result = await dataServicesApi.setGrantApp(grant.id, appId);
        setNarrowed((prev) => ({ ...prev, [grant.id]: result.appId }));
        message.success(result.appId ? '已限定为指定应用使用' : '已恢复为本部门所有应用可用');
      } catch (e) {
        message.error(describeError(e));
      } finally {
        setSaving(null);
      }
    },
    [message],
  );

  // Applications narrowed to but missing from the list (it failed or is being reloaded) still show their name.
  const listed = new Set(apps.data.map((a) => a.id));
  const unlisted = new Map(grants.data.filter((g) => g.appId && g.appName && !listed.has(g.appId)).map((g) => [g.appId!, g.appName!]));
  const appOptions = [
    { value: '', label: '本部门所有应用' },
    ...apps.data.map((a) => ({ value: a.id, label: a.status === 'active' ? a.name : `${a.name}（已停用）` })),
    ...[...unlisted].map(([value, label]) => ({ value, label })),
  ];

  const columns: TableColumnsType<ConsumerGrant> = [
    {
      title: '信息资源',
      key: 'resource',
      render: (_, g) => (
        <Space direction="vertical" size={0}>
          <Link to={`/catalog/resources/${g.resourceId}`} data-testid="ds-grant-resource">{g.resourceName}</Link>
          <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>{g.resourceCode}</Typography.Text>
        </Space>
      ),
    },
    { title: '提供部门', dataIndex: 'providerName', key: 'provider', width: 170 },
    {
      title: '授权信息项',
      key: 'items',
      render: (_, g) => (
        <>
          {g.items.map((item) => <Tag key={item} style={{ marginBottom: 4 }}>{item}</Tag>)}
          <MaskingSummary masking={g.masking} />
        </>
      ),
    },
    { title: '有效期', key: 'period', width: 190, render: (_, g) => `${g.validFrom} 至 ${g.validTo}` },
    { title: '每日限额', dataIndex: 'dailyQuota', key: 'quota', width: 90, render: (v: number | null) => (v ? `${v} 次` : '不限') },
    {
      title: '状态',
      key: 'status',
      width: 100,
      render: (_, g) => (
        <Space direction="vertical" size={0}>
          <GrantStatusTag status={g.status} />
          {g.status === 'active' && !g.effective && <Typography.Text type="secondary" style={{ fontSize: 12 }}>未在有效期内</Typography.Text>}
        </Space>
      ),
    },
    {
      title: '使用应用',
      key: 'app',
      width: 200,
      render: (_, g) => (
        <Select
          size="small"
          // '' is 本部门所有应用 (not narrowed); no value only while the row's narrowing is not known yet.
          value={g.id in narrowed ? narrowed[g.id] ?? '' : undefined}
          placeholder="选择使用的应用"
          options={appOptions}
          disabled={!canNarrow || g.status !== 'active'}
          loading={saving === g.id}
          onChange={(v: string) => void setApp(g, v || null)}
          style={{ width: 180 }}
          data-testid="ds-grant-app"
        />
      ),
    },
    { title: '接口', key: 'doc', width: 90, render: (_, g) => <Link to={resourceLink(g.resourceId, 'api')} data-testid="ds-link-api">接口文档</Link> },
  ];

  return (
    <>
      <div className="page-toolbar">
        <Typography.Text type="secondary">本部门获得的有效授权。授权默认本部门所有应用均可使用，部门管理员可限定为某一应用。</Typography.Text>
        <Button icon={<ReloadOutlined />} onClick={() => { void grants.reload(); void apps.reload(); }}>刷新</Button>
      </div>
      <MessageAlert message={grants.error} />
      <Table<ConsumerGrant>
        rowKey="id"
        size="middle"
        loading={grants.loading}
        dataSource={grants.data}
        columns={columns}
        scroll={{ x: 1200 }}
        data-testid="ds-consumer-table"
        locale={{ emptyText: '本部门暂未获得授权' }}
        pagination={listPagination()}
      />
    </>
  );
}
