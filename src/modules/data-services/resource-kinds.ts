/**
 * How data services serve a published resource, from its 信息资源格式分类: 库表 (datastore, query and
 * verify), 接口 (proxied to the provider's upstream) or 文件 (versions for download).
 */
export type DataResourceKind = 'table' | 'api' | 'file';

export function resourceKindOf(formatClass: string): DataResourceKind {
  if (formatClass === '数据库' || formatClass === '电子表格') return 'table';
  if (formatClass === '服务接口') return 'api';
  return 'file';
}

export const RESOURCE_KIND_LABELS: Record<DataResourceKind, string> = { table: '库表', api: '接口', file: '文件' };
