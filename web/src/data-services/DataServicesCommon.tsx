import { Alert, Descriptions, Tag, Typography } from 'antd';
import { RESOURCE_KIND_LABELS, resourceKindOf, type DataResourceKind } from '@shared/data-services/resource-kinds';
import { useCallback } from 'react';
import { Link } from 'react-router-dom';
import type { SessionUser } from '../api/types';
import { catalogApi, type ResourceDetail } from '../catalog/catalog-api';
import { hasRole } from '../shared/access';
import { useRemoteRecord } from '../shared/useRemoteRecord';

export const KIND_COLORS: Record<DataResourceKind, string> = { table: 'blue', api: 'purple', file: 'cyan' };

export function KindTag({ kind, testId }: { kind: DataResourceKind; testId?: string }) {
  return (
    <Tag color={KIND_COLORS[kind]} data-testid={testId} data-kind={kind}>
      {RESOURCE_KIND_LABELS[kind]}
    </Tag>
  );
}

/** A published resource as the data-services pages need it: name, code, provider and kind. */
export interface ResourceBrief {
  id: string;
  code: string;
  name: string;
  providerOrgId: string;
  providerName: string;
  published: boolean;
  kind: DataResourceKind | null;
  detail: ResourceDetail;
}

export function briefOf(r: ResourceDetail): ResourceBrief {
  return {
    id: r.id,
    code: r.code,
    name: r.published?.name ?? r.name,
    providerOrgId: r.providerOrgId,
    providerName: r.providerName,
    published: r.status === 'published' && r.published !== null,
    kind: r.published ? resourceKindOf(r.published.formatClass) : null,
    detail: r,
  };
}

/** Loads the catalog record of the resource a data-services page is about. */
export function useResourceBrief(id: string) {
  const fetch = useCallback(() => catalogApi.get(id).then(briefOf), [id]);
  return useRemoteRecord(fetch);
}

/** Whether `me` manages the resource's data services (the provider's dept_admin, or the platform admin). */
export function canManageResource(me: SessionUser, providerOrgId: string): boolean {
  return hasRole(me.roles, 'platform_admin') || (hasRole(me.roles, 'dept_admin') && me.orgId === providerOrgId);
}

/** Whether `me` may read the resource's management pages (the provider's users, or the platform admin). */
export function canViewResource(me: SessionUser, providerOrgId: string): boolean {
  return hasRole(me.roles, 'platform_admin') || me.orgId === providerOrgId;
}

/** The management page of a resource's kind: 数据装载, 文件版本 or 接口代理. */
export function managePage(kind: DataResourceKind): { path: string; label: string; testId: string } {
  if (kind === 'table') return { path: 'datastore', label: '数据装载', testId: 'ds-link-datastore' };
  if (kind === 'file') return { path: 'files', label: '文件版本', testId: 'ds-link-files' };
  return { path: 'proxy', label: '接口代理', testId: 'ds-link-proxy' };
}

export function resourceLink(id: string, page: 'datastore' | 'files' | 'proxy' | 'api'): string {
  return `/data-services/resources/${encodeURIComponent(id)}/${page}`;
}

/** The resource's identity above a management page, with its catalog and API doc links. */
export function ResourceSummary({ brief }: { brief: ResourceBrief }) {
  return (
    <Descriptions
      size="small"
      column={{ xs: 1, md: 3 }}
      style={{ marginBottom: 16 }}
      items={[
        { key: 'name', label: '信息资源', children: <Link to={`/catalog/resources/${brief.id}`} data-testid="ds-resource-name">{brief.name}</Link> },
        { key: 'code', label: '信息资源代码', children: <span className="mono" data-testid="ds-resource-code">{brief.code}</span> },
        { key: 'kind', label: '服务方式', children: brief.kind ? <KindTag kind={brief.kind} testId="ds-resource-kind" /> : '-' },
        { key: 'provider', label: '提供部门', children: brief.providerName },
        { key: 'doc', label: '接口文档', children: <Link to={resourceLink(brief.id, 'api')} data-testid="ds-link-api">查看接口文档</Link> },
      ]}
    />
  );
}

/** An error when a page is opened for a resource of another kind or not published. */
export function KindMismatch({ brief, expected }: { brief: ResourceBrief; expected: DataResourceKind }) {
  if (!brief.published) {
    return <Alert type="warning" showIcon style={{ marginBottom: 16 }} data-testid="ds-not-published" title="该资源尚未发布，发布后才能提供数据服务。" />;
  }
  if (brief.kind === expected) return null;
  const page = brief.kind ? managePage(brief.kind) : null;
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="ds-kind-mismatch"
      title={`该资源的服务方式为“${brief.kind ? RESOURCE_KIND_LABELS[brief.kind] : '-'}”，不适用本页面。`}
      description={page && <Link to={resourceLink(brief.id, page.path as 'datastore')}>前往{page.label}</Link>}
    />
  );
}

/** A block of code with a copy button. */
export function CodeBlock({ code, testId, maxHeight = 360 }: { code: string; testId?: string; maxHeight?: number }) {
  return (
    <div className="code-block" style={{ position: 'relative' }} data-testid={testId}>
      <Typography.Text copyable={{ text: code, tooltips: ['复制', '已复制'] }} style={{ position: 'absolute', top: 6, right: 10 }} data-testid={testId ? `${testId}-copy` : undefined}>
        {''}
      </Typography.Text>
      <pre
        style={{
          margin: 0,
          padding: '12px 40px 12px 12px',
          background: '#f6f8fa',
          border: '1px solid #eaecef',
          borderRadius: 6,
          maxHeight,
          overflow: 'auto',
          fontSize: 12,
          lineHeight: 1.5,
          whiteSpace: 'pre',
        }}
      >
        <code>{code}</code>
      </pre>
    </div>
  );
}
