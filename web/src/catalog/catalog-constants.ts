/**
 * Value lists of the catalog metadata (DOMAIN.md §3). The lists themselves are the server's
 * (src/modules/catalog/catalog.types.ts); the console adds its labels and colours here.
 */
import { DATA_TYPE_LABELS, type DataType, type ResourceStatus } from '@shared/catalog/catalog.types';

export {
  DATA_TYPES, DATA_TYPE_LABELS, SHARE_TYPES, FORMAT_CLASSES, FORMAT_TYPES, SHARE_METHOD_CLASSES, SHARE_METHOD_TYPES,
  UPDATE_CYCLES, RESOURCE_STATUSES,
} from '@shared/catalog/catalog.types';
export type {
  DataType, ShareType, FormatClass, ShareMethodClass, ShareMethodType, UpdateCycle, ResourceStatus,
} from '@shared/catalog/catalog.types';

/** 信息项数据类型 as `字符型 C`. */
export const dataTypeLabel = (code: string) => (code in DATA_TYPE_LABELS ? `${DATA_TYPE_LABELS[code as DataType]} ${code}` : code);

export const SHARE_TYPE_COLORS: Record<string, string> = { 无条件共享: 'green', 有条件共享: 'blue', 不予共享: 'red' };

export type VersionStatus = 'draft' | 'submitted' | 'returned' | 'published' | 'superseded';

export const STATUS_LABELS: Record<ResourceStatus | VersionStatus, string> = {
  draft: '草稿', submitted: '待审核', returned: '已退回', published: '已发布', retired: '已下架', superseded: '已被替代',
};
export const STATUS_COLORS: Record<ResourceStatus | VersionStatus, string> = {
  draft: 'default', submitted: 'gold', returned: 'volcano', published: 'green', retired: 'default', superseded: 'default',
};
export const statusLabel = (s: string) => STATUS_LABELS[s as ResourceStatus] ?? s;
export const statusColor = (s: string) => STATUS_COLORS[s as ResourceStatus] ?? 'default';

export const REVIEW_ACTION_LABELS: Record<string, string> = { submitted: '提交审核', approved: '审核通过', returned: '退回修改', retired: '下架' };

/** The national field names (annex-4 template headers) of the version fields, as the diff names them. */
export const FIELD_LABELS: Record<string, string> = {
  name: '信息资源名称',
  code: '信息资源代码',
  providerName: '信息资源提供方',
  providerDivision: '提供方内部部门',
  providerCode: '资源提供方代码',
  summary: '信息资源摘要',
  formatClass: '格式分类',
  formatType: '格式类型',
  formatOther: '其他描述',
  items: '信息项',
  shareType: '共享类型',
  shareCondition: '共享条件',
  shareMethodClass: '共享方式分类',
  shareMethodType: '共享方式类型',
  isOpen: '是否向社会开放',
  openCondition: '开放条件',
  updateCycle: '更新周期',
  publishDate: '发布日期',
  relatedClass: '关联及类目名称',
  categoryId: '资源分类',
  dataType: '数据类型',
  length: '数据长度',
  position: '顺序',
};
export const fieldLabel = (field: string) => FIELD_LABELS[field] ?? field;

/** Template column header (as the server names it in `problems[].column`) → editor form field. */
export const COLUMN_FIELDS: Record<string, string> = {
  信息资源名称: 'name',
  信息资源代码: 'code',
  信息资源提供方: 'providerName',
  提供方内部部门: 'providerDivision',
  资源提供方代码: 'providerCode',
  信息资源摘要: 'summary',
  格式分类: 'formatClass',
  格式类型: 'formatType',
  其他描述: 'formatOther',
  共享类型: 'shareType',
  共享条件: 'shareCondition',
  共享方式分类: 'shareMethodClass',
  共享方式类型: 'shareMethodType',
  分类: 'shareMethodClass',
  类型: 'shareMethodType',
  是否向社会开放: 'isOpen',
  开放条件: 'openCondition',
  更新周期: 'updateCycle',
  发布日期: 'publishDate',
  关联及类目名称: 'relatedClass',
  信息项: 'items',
  信息项名称: 'items',
  数据类型: 'items',
  数据长度: 'items',
};
