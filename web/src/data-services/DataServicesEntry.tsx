import { Card, Space, Typography } from 'antd';
import { RESOURCE_KIND_LABELS, resourceKindOf } from '@shared/data-services/resource-kinds';
import { Link } from 'react-router-dom';
import { useCurrentUser } from '../auth/AuthContext';
import { canAccess } from '../shared/access';
import { canViewResource, KindTag, managePage, resourceLink } from './DataServicesCommon';

/** The 数据服务 box of a published resource's detail: its management page (provider) and its API doc. */
export function DataServicesEntry({ resourceId, formatClass, providerOrgId }: { resourceId: string; formatClass: string; providerOrgId: string }) {
  const me = useCurrentUser();
  if (!canAccess(me.roles, 'dataApiDoc')) return null;
  const kind = resourceKindOf(formatClass);
  const page = managePage(kind);
  const manages = canAccess(me.roles, 'dataManage') && canViewResource(me, providerOrgId);
  return (
    <Card size="small" title="数据服务" data-testid="resource-data-services">
      <Space size="large" wrap>
        <span>
          服务方式：<KindTag kind={kind} testId="resource-data-kind" />
          <Typography.Text type="secondary">
            {kind === 'table' ? '按授权查询、核验' : kind === 'file' ? '按授权下载文件版本' : '平台代理调用提供部门的接口'}（{RESOURCE_KIND_LABELS[kind]}）
          </Typography.Text>
        </span>
        {manages && (
          <Link to={resourceLink(resourceId, page.path as 'datastore')} data-testid={`resource-${page.testId}`}>
            {page.label}
          </Link>
        )}
        <Link to={resourceLink(resourceId, 'api')} data-testid="resource-ds-link-api">接口文档</Link>
      </Space>
    </Card>
  );
}
