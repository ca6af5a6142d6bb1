/**
 * The annex-4 catalog template's columns (DOMAIN.md §3) and how header texts found in real workbooks map
 * onto them. Shared by the reader (header detection) and the writer (the exact texts to produce).
 */

export type ColumnKey =
  | 'name' | 'code' | 'providerName' | 'providerDivision' | 'providerCode' | 'summary'
  | 'formatClass' | 'formatType' | 'formatOther' | 'itemName' | 'dataType' | 'length'
  | 'shareType' | 'shareCondition' | 'shareMethodClass' | 'shareMethodType' | 'isOpen' | 'openCondition'
  | 'updateCycle' | 'publishDate' | 'relatedClass';

export interface ColumnDef {
  key: ColumnKey;
  /** The header as a clerk sees it, without the （必填项） decoration; used in error messages. */
  label: string;
  /** Marked （必填项） in the template; a workbook without such a column cannot be imported. */
  required: boolean;
  /** Row-3 group header in the two-row layout; null where the column spans both header rows. */
  group: string | null;
  /** Info-item columns vary per row; all others describe the resource and are merged down. */
  item: boolean;
  aliases: readonly string[];
}

const col = (
  key: ColumnKey, label: string, required: boolean, group: string | null, aliases: string[] = [], item = false,
): ColumnDef => ({ key, label, required, group, item, aliases });

/** In template order (annex 4, columns A–U). */
export const COLUMNS: readonly ColumnDef[] = [
  col('name', '信息资源名称', true, null, ['资源名称']),
  col('code', '信息资源代码', false, null, ['资源代码', '目录代码']),
  col('providerName', '信息资源提供方', true, '信息资源提供方', ['提供方', '资源提供方', '提供方名称', '信息资源提供方名称', '提供部门']),
  col('providerDivision', '提供方内部部门', false, '信息资源提供方', ['内部部门', '信息资源提供方内部部门', '提供方内设机构']),
  col('providerCode', '资源提供方代码', true, null, ['提供方代码', '信息资源提供方代码', '提供方统一社会信用代码', '统一社会信用代码']),
  col('summary', '信息资源摘要', true, null, ['摘要', '资源摘要']),
  col('formatClass', '信息资源格式分类', true, '信息资源格式', ['格式分类', '资源格式分类']),
  col('formatType', '信息资源格式类型', true, '信息资源格式', ['格式类型', '资源格式类型']),
  col('formatOther', '其他类型资源格式描述', false, '信息资源格式', ['其他描述', '其他格式描述', '信息资源格式其他描述']),
  col('itemName', '信息项名称', true, '信息项信息', ['信息项'], true),
  col('dataType', '数据类型', true, '信息项信息', ['信息项数据类型'], true),
  col('length', '数据长度', true, '信息项信息', ['信息项数据长度'], true),
  col('shareType', '共享类型', true, '共享属性', []),
  col('shareCondition', '共享条件', true, '共享属性', []),
  col('shareMethodClass', '共享方式分类', true, '共享方式', []),
  col('shareMethodType', '共享方式类型', true, '共享方式', []),
  col('isOpen', '是否向社会开放', true, '开放属性', ['开放属性', '是否开放', '是否向社会开放共享']),
  col('openCondition', '开放条件', false, '开放属性', []),
  col('updateCycle', '更新周期', true, null, []),
  col('publishDate', '发布日期', true, null, ['发布时间']),
  col('relatedClass', '关联及类目名称', false, null, ['关联类目名称', '关联及类目', '关联类目']),
];

export const COLUMN_BY_KEY = Object.fromEntries(COLUMNS.map((c) => [c.key, c])) as Record<ColumnKey, ColumnDef>;
export const LABEL = Object.fromEntries(COLUMNS.map((c) => [c.key, c.label])) as Record<ColumnKey, string>;

/** The row-4 text the template uses, e.g. `信息资源名称（必填项）`. */
export function templateHeader(column: ColumnDef): string {
  return `${column.label}${column.required ? '（必填项）' : '（选填项）'}`;
}

const ALIASES = new Map<string, ColumnKey>();
for (const c of COLUMNS) for (const text of [c.label, ...c.aliases]) ALIASES.set(text, c.key);

const DECORATION = /\([^)]*\)|\[[^\]]*\]|【[^】]*】|[\s*]/g;

/** `信息资源名称（必填项）`, `* 信息资源名称 (必填)` → `信息资源名称` */
export function normaliseHeader(text: string): string {
  return text.normalize('NFKC').replace(DECORATION, '');
}

function groupVariants(group: string): string[] {
  // 信息项信息 + 名称 → 信息项名称; 共享属性 + 类型 → 共享类型
  const trimmed = group.replace(/(信息|属性)$/, '');
  return trimmed !== group && trimmed !== '' ? [group, trimmed] : [group];
}

/** Maps one header cell (bare sub-headers like 分类 only mean something under their group) to a column, or null. */
export function resolveHeader(text: string, group: string): ColumnKey | null {
  if (text === '') return null;
  const direct = ALIASES.get(text);
  if (direct) return direct;
  if (group === '' || group === text) return null;
  for (const g of groupVariants(group)) {
    const key = ALIASES.get(g + text);
    if (key) return key;
  }
  return null;
}
