import { DownloadOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Dropdown, Input, Select, Space, Table, Tag, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { Org } from '../api/types';
import { useCurrentUser } from '../auth/AuthContext';
import { identityApi } from '../identity/identity-api';
import { canAccess, hasRole } from '../shared/access';
import { describeError } from '../shared/errors';
import { MessageAlert } from '../shared/MessageAlert';
import { useRemoteData } from '../shared/useRemoteData';
import { catalogApi, type CatalogFilters, type SearchHit, type SearchResult } from './catalog-api';
import { RESOURCE_STATUSES, SHARE_TYPES, statusLabel } from './catalog-constants';
import { ShareTypeTag, StatusTag } from './CatalogTags';
import { RetireAction } from './ReviewActions';
import { serverPagination } from '../shared/pagination';

const PAGE_SIZE = 10;
const EMPTY: SearchResult = {
  total: 0,
  items: [],
  facets: { provider: [], category: [], shareType: [], formatClass: [], isOpen: [], updateCycle: [], status: [] },
};

/** 本部门目录: the department's resources, drafts included, with their lifecycle actions. */
export function DepartmentCatalogPage() {
  const me = useCurrentUser();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const isPlatform = hasRole(me.roles, 'platform_admin');
  const canEdit = canAccess(me.roles, 'catalogEdit');

  const [orgs, setOrgs] = useState<Org[]>([]);
  const [provider, setProvider] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<string | undefined>(undefined);
  const [shareType, setShareType] = useState<string | undefined>(undefined);
  const [keyword, setKeyword] = useState('');
  const [page, setPage] = useState(1);

  useEffect(() => {
    if (!isPlatform) return;
    identityApi.listOrgs().then((list) => {
      setOrgs(list);
      // The platform admin starts with its own department, like everyone else.
      setProvider((p) => p ?? list.find((o) => o.id === me.orgId)?.uscc);
    }, () => setOrgs([]));
  }, [isPlatform, me.orgId]);

  const filters: CatalogFilters = useMemo(
    () => ({ scope: 'department', provider, status, shareType, q: keyword || undefined }),
    [provider, status, shareType, keyword],
  );
  const search = useCallback(
    () => catalogApi.search({ ...filters, sort: 'publishDate', limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    [filters, page],
  );
  const { data, loading, error, reload } = useRemoteData(search, EMPTY);
  useEffect(() => setPage(1), [filters]);

  async function submit(hit: SearchHit) {
    try {
      await catalogApi.submit(hit.id);
      message.success(`已提交审核：${hit.name}`);
      await reload();
    } catch (e) {
      message.error(describeError(e));
    }
  }

  const columns: TableColumnsType<SearchHit> = [
    {
      title: '信息资源名称',
      dataIndex: 'name',
      key: 'name',
      render: (name: string, r) => <Link to={`/catalog/resources/${r.id}`}>{name}</Link>,
    },
    { title: '信息资源代码', dataIndex: 'code', key: 'code', width: 170, render: (v: string) => <span className="mono">{v}</span> },
    {
      title: '状态', dataIndex: 'status', key: 'status', width: 150,
      render: (v: string, r) => (
        <Space size={4} wrap>
          <StatusTag status={v} testId="resource-status" />
          {v === 'published' && r.workingStatus && <Tag color="gold" data-testid="resource-working-status">新版本{statusLabel(r.workingStatus)}</Tag>}
        </Space>
      ),
    },
    { title: '共享类型', dataIndex: 'shareType', key: 'shareType', width: 110, render: (v: string) => <ShareTypeTag shareType={v} /> },
    { title: '发布日期', dataIndex: 'publishDate', key: 'publishDate', width: 110 },
    ...(canEdit
      ? [{
          title: '操作',
          key: 'actions',
          width: 200,
          render: (_: unknown, r: SearchHit) => {
            // Where the department's work stands: the version being worked on, else the resource itself.
            const stage = r.workingStatus ?? r.status;
            return (
            <Space size={0}>
              {stage !== 'retired' && stage !== 'submitted' && (
                <Button type="link" size="small" onClick={() => navigate(`/catalog/department/${r.id}/edit`)} data-testid="resource-edit">
                  编辑
                </Button>
              )}
              {(stage === 'draft' || stage === 'returned') && (
                <Button type="link" size="small" onClick={() => void submit(r)} data-testid="resource-submit">
                  提交审核
                </Button>
              )}
              {r.status === 'published' && <RetireAction resourceId={r.id} name={r.name} size="small" onDone={() => void reload()} />}
            </Space>
          );
          },
        }]
      : []),
  ];

  const orgName = isPlatform ? orgs.find((o) => o.uscc === provider)?.name : me.orgName;
  const exportItems = (['xlsx', 'csv', 'json'] as const).map((format) => ({
    key: format,
    label: (
      <a href={catalogApi.exportUrl(filters, format)} data-testid={`catalog-export-${format}`}>
        {format === 'xlsx' ? 'Excel（附件4模板）' : format.toUpperCase()}
      </a>
    ),
  }));

  return (
    <Card title={`本部门目录${orgName ? ` · ${orgName}` : ''}`} data-testid="department-catalog-page">
      <div className="page-toolbar">
        <Space wrap>
          {isPlatform ? (
            <Select
              placeholder="选择部门"
              value={provider}
              onChange={(v: string) => setProvider(v)}
              options={orgs.map((o) => ({ value: o.uscc, label: o.name }))}
              showSearch={{ optionFilterProp: 'label' }}
              style={{ width: 240 }}
              data-testid="department-filter"
            />
          ) : (
            <Tag color="blue" data-testid="department-scope">{me.orgName}</Tag>
          )}
          <Select
            allowClear
            placeholder="全部状态"
            value={status}
            onChange={(v: string | undefined) => setStatus(v)}
            options={RESOURCE_STATUSES.map((s) => ({ value: s, label: `${statusLabel(s)}${countOf(data, s)}` }))}
            style={{ width: 140 }}
            data-testid="department-status-filter"
          />
          <Select
            allowClear
            placeholder="全部共享类型"
            value={shareType}
            onChange={(v: string | undefined) => setShareType(v)}
            options={SHARE_TYPES.map((s) => ({ value: s, label: s }))}
            style={{ width: 140 }}
          />
          <Input.Search placeholder="资源名称、信息项" allowClear onSearch={(v) => setKeyword(v.trim())} style={{ width: 220 }} data-testid="department-search" />
        </Space>
        <Space wrap>
          <Button icon={<ReloadOutlined />} onClick={() => void reload()}>
            刷新
          </Button>
          <Dropdown menu={{ items: exportItems }}>
            <Button icon={<DownloadOutlined />} data-testid="catalog-export">
              导出
            </Button>
          </Dropdown>
          {canEdit && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/catalog/department/new')} data-testid="resource-create">
              新建资源
            </Button>
          )}
        </Space>
      </div>
      <MessageAlert message={error} />
      <Table<SearchHit>
        rowKey="id"
        columns={columns}
        dataSource={data.items}
        loading={loading}
        size="middle"
        data-testid="department-table"
        pagination={serverPagination(page, PAGE_SIZE, data.total, setPage)}
      />
    </Card>
  );
}

/** " (n)" from the status facet, so the status filter shows how many resources each status holds. */
function countOf(data: SearchResult, status: string): string {
  const facet = data.facets.status.find((f) => f.value === status);
  return facet ? ` (${facet.count})` : '';
}
