import { Card, Col, Empty, Input, List, Row, Segmented, Space, Spin, Tabs, Tag, Tree, Typography, type TreeDataNode } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { buildOrgTree, identityApi, type OrgNode } from '../identity/identity-api';
import { MessageAlert } from '../shared/MessageAlert';
import { useRemoteData } from '../shared/useRemoteData';
import { catalogApi, type CatalogFilters, type CategoryNode, type FacetKey, type SearchHit, type SearchResult } from './catalog-api';
import { ShareTypeTag } from './CatalogTags';

const PAGE_SIZE = 10;
const EMPTY: SearchResult = {
  total: 0,
  items: [],
  facets: { provider: [], category: [], shareType: [], formatClass: [], isOpen: [], updateCycle: [], status: [] },
};

/** The facet panels of the shared catalog, in display order. */
const FACET_PANELS: { key: Exclude<FacetKey, 'status'>; title: string }[] = [
  { key: 'provider', title: '提供部门' },
  { key: 'category', title: '资源分类' },
  { key: 'shareType', title: '共享类型' },
  { key: 'formatClass', title: '格式分类' },
  { key: 'isOpen', title: '是否开放' },
  { key: 'updateCycle', title: '更新周期' },
];

type Filters = Partial<Record<Exclude<FacetKey, 'status'>, string>>;
type Labels = Partial<Record<Exclude<FacetKey, 'status'>, string>>;

function categoryTree(nodes: CategoryNode[]): TreeDataNode[] {
  return nodes.map((n) => ({
    key: n.id,
    title: (
      <span data-testid={`category-node-${n.code}`}>
        {n.name} <Typography.Text type="secondary">({n.count})</Typography.Text>
      </span>
    ),
    children: categoryTree(n.children),
  }));
}

function orgTree(nodes: OrgNode[]): TreeDataNode[] {
  return nodes.map((n) => ({ key: n.uscc, title: <span data-testid="org-node">{n.name}</span>, children: orgTree(n.children ?? []) }));
}

/** 共享目录: keyword search with facets, sorting and browsing by classification or department. */
export function SharedCatalogPage() {
  const [keyword, setKeyword] = useState('');
  const [filters, setFilters] = useState<Filters>({});
  const [labels, setLabels] = useState<Labels>({});
  const [sort, setSort] = useState<'relevance' | 'publishDate'>('relevance');
  const [page, setPage] = useState(1);

  const loadCategories = useCallback(() => catalogApi.categories(), []);
  const loadOrgs = useCallback(() => identityApi.listOrgs().then(buildOrgTree), []);
  const categories = useRemoteData(loadCategories, [] as CategoryNode[]);
  const orgs = useRemoteData(loadOrgs, [] as OrgNode[]);

  const query: CatalogFilters = useMemo(() => ({ scope: 'shared', q: keyword || undefined, ...filters }), [keyword, filters]);
  const search = useCallback(
    () => catalogApi.search({ ...query, sort: keyword ? sort : 'publishDate', limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    [query, sort, keyword, page],
  );
  const { data, loading, error } = useRemoteData(search, EMPTY);

  useEffect(() => setPage(1), [query]);

  function toggle(key: Exclude<FacetKey, 'status'>, value: string | undefined, label?: string) {
    setFilters((f) => ({ ...f, [key]: f[key] === value ? undefined : value }));
    setLabels((l) => ({ ...l, [key]: label }));
  }

  const active = FACET_PANELS.filter((p) => filters[p.key] !== undefined);

  return (
    <Row gutter={16} data-testid="shared-catalog-page">
      <Col xs={24} lg={6}>
        <Card size="small" title="目录浏览" styles={{ body: { padding: '0 12px 12px' } }}>
          <Tabs
            size="small"
            items={[
              {
                key: 'category',
                label: '按资源分类',
                children: categories.loading ? <Spin /> : (
                  <Tree
                    blockNode
                    defaultExpandedKeys={categories.data.map((c) => c.id)}
                    selectedKeys={filters.category ? [filters.category] : []}
                    treeData={categoryTree(categories.data)}
                    onSelect={(keys) => toggle('category', keys.length ? String(keys[0]) : filters.category, findName(categories.data, String(keys[0] ?? '')))}
                    data-testid="category-tree"
                  />
                ),
              },
              {
                key: 'org',
                label: '按部门',
                children: orgs.loading ? <Spin /> : (
                  <Tree
                    blockNode
                    defaultExpandAll
                    selectedKeys={filters.provider ? [filters.provider] : []}
                    treeData={orgTree(orgs.data)}
                    onSelect={(keys) => toggle('provider', keys.length ? String(keys[0]) : filters.provider, findOrgName(orgs.data, String(keys[0] ?? '')))}
                    data-testid="org-tree"
                  />
                ),
              },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} lg={18}>
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          <Card size="small">
            <Input.Search
              size="large"
              enterButton="搜索"
              allowClear
              placeholder="输入资源名称、信息项、摘要或提供部门，支持模糊匹配"
              onSearch={(v) => setKeyword(v.trim())}
              data-testid="catalog-search"
            />
            {active.length > 0 && (
              <Space wrap style={{ marginTop: 12 }} data-testid="active-filters">
                <span>已选条件：</span>
                {active.map((p) => (
                  <Tag key={p.key} closable color="blue" onClose={() => toggle(p.key, undefined)}>
                    {p.title}：{labels[p.key] ?? filters[p.key]}
                  </Tag>
                ))}
                <Typography.Link onClick={() => { setFilters({}); setLabels({}); }}>清除全部</Typography.Link>
              </Space>
            )}
            <div style={{ marginTop: 12 }} data-testid="facets">
              {FACET_PANELS.map((panel) => {
                const values = data.facets[panel.key];
                if (values.length === 0) return null;
                return (
                  <div key={panel.key} style={{ display: 'flex', gap: 8, padding: '4px 0', borderTop: '1px dashed #f0f0f0' }} data-testid={`facet-${panel.key}`}>
                    <Typography.Text type="secondary" style={{ width: 72, flex: 'none', lineHeight: '24px' }}>{panel.title}</Typography.Text>
                    <div style={{ display: 'flex', flexWrap: 'wrap', gap: 4 }}>
                      {values.slice(0, 20).map((v) => (
                        <Tag.CheckableTag
                          key={v.value}
                          checked={filters[panel.key] === v.value}
                          onChange={() => toggle(panel.key, v.value, v.label)}
                          data-testid="facet-value"
                        >
                          {v.label} ({v.count})
                        </Tag.CheckableTag>
                      ))}
                    </div>
                  </div>
                );
              })}
            </div>
          </Card>
          <Card
            size="small"
            title={<span data-testid="catalog-total">共 {data.total} 条信息资源</span>}
            extra={
              <Segmented
                value={keyword ? sort : 'publishDate'}
                disabled={!keyword}
                onChange={(v) => setSort(v as 'relevance' | 'publishDate')}
                options={[{ value: 'relevance', label: '相关度' }, { value: 'publishDate', label: '发布日期' }]}
                data-testid="catalog-sort"
              />
            }
          >
            <MessageAlert message={error} />
            <List<SearchHit>
              loading={loading}
              dataSource={data.items}
              locale={{ emptyText: <Empty description="没有找到符合条件的信息资源" /> }}
              data-testid="catalog-results"
              pagination={data.total > PAGE_SIZE ? { current: page, pageSize: PAGE_SIZE, total: data.total, onChange: setPage, showSizeChanger: false } : false}
              renderItem={(hit) => (
                <List.Item key={hit.id} data-testid="catalog-hit">
                  <List.Item.Meta
                    title={
                      <Space wrap size={8}>
                        <Link to={`/catalog/resources/${hit.id}`} data-testid="catalog-hit-name">{hit.name}</Link>
                        <ShareTypeTag shareType={hit.shareType} />
                        {hit.status === 'retired' && <Tag>已下架</Tag>}
                        {!hit.requestable && hit.shareType === '不予共享' && <Typography.Text type="secondary" style={{ fontSize: 12 }}>不可申请</Typography.Text>}
                      </Space>
                    }
                    description={
                      <Space wrap size={16} style={{ fontSize: 12 }}>
                        <span>代码：<span className="mono">{hit.code}</span></span>
                        <span>提供方：{hit.providerName}</span>
                        <span>分类：{hit.categoryName}</span>
                        <span>发布日期：{hit.publishDate}</span>
                      </Space>
                    }
                  />
                  <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ marginBottom: 0, color: '#555' }} data-testid="catalog-hit-summary">
                    {hit.summary}
                  </Typography.Paragraph>
                </List.Item>
              )}
            />
          </Card>
        </Space>
      </Col>
    </Row>
  );
}

function findName(nodes: CategoryNode[], id: string): string | undefined {
  for (const n of nodes) {
    if (n.id === id) return n.name;
    const found = findName(n.children, id);
    if (found) return found;
  }
  return undefined;
}

function findOrgName(nodes: OrgNode[], uscc: string): string | undefined {
  for (const n of nodes) {
    if (n.uscc === uscc) return n.name;
    const found = findOrgName(n.children ?? [], uscc);
    if (found) return found;
  }
  return undefined;
}
