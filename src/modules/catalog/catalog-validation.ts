import {
  DATA_TYPES, FORMAT_CLASSES, SHARE_METHOD_CLASSES, SHARE_METHOD_TYPES, SHARE_TYPES, UPDATE_CYCLES,
  type ImportError, type ResourceInput,
} from './catalog.types.js';

/** `<9 classification digits>/<6-digit sequence>`, e.g. `101000000/000123`. */
export const RESOURCE_CODE = /^(\d{9})\/(\d{6})$/;

const has = (list: readonly string[], value: unknown) => typeof value === 'string' && list.includes(value);
const blank = (value: string | null | undefined) => value === null || value === undefined || value.trim() === '';

/**
 * What is wrong with a resource's metadata, named by the template column a clerk sees
 * (DOMAIN.md §3). Empty when the resource may be stored.
 */
export function resourceProblems(input: ResourceInput): ImportError[] {
  const problems: ImportError[] = [];
  const add = (column: string, message: string) => problems.push({ column, message });
  if (blank(input.name)) add('信息资源名称', '信息资源名称不能为空');
  else if (input.name.length > 200) add('信息资源名称', '信息资源名称不能超过200字');
  if (input.code !== null && !RESOURCE_CODE.test(input.code)) add('信息资源代码', '信息资源代码应为“9位分类码/6位顺序码”，如 101000000/000123');
  if (blank(input.providerCode)) add('资源提供方代码', '资源提供方代码不能为空');
  if (blank(input.summary)) add('信息资源摘要', '信息资源摘要不能为空');
  if (!has(FORMAT_CLASSES, input.formatClass)) add('格式分类', `格式分类应为 ${FORMAT_CLASSES.join('、')} 之一`);
  if (!input.items || input.items.length === 0) add('信息项名称', '至少需要一个信息项');
  input.items?.forEach((item, i) => {
    if (blank(item.name)) add('信息项名称', `第${i + 1}个信息项名称为空`);
    if (!has(DATA_TYPES, item.dataType)) add('数据类型', `第${i + 1}个信息项数据类型不正确`);
    if (item.length !== null && (!Number.isInteger(item.length) || item.length < 0)) add('数据长度', `第${i + 1}个信息项数据长度应为非负整数`);
  });
  if (!has(SHARE_TYPES, input.shareType)) add('共享类型', `共享类型应为 ${SHARE_TYPES.join('、')} 之一`);
  if (blank(input.shareCondition)) {
    add('共享条件', input.shareType === '不予共享' ? '不予共享的资源必须注明法律、行政法规或政策依据' : '共享条件不能为空');
  }
  if (input.shareType !== '不予共享') {
    if (!has(SHARE_METHOD_CLASSES, input.shareMethodClass)) add('共享方式分类', '共享方式分类应为 共享平台方式 或 邮件或介质方式');
    else if (input.shareMethodClass === '共享平台方式' && !has(SHARE_METHOD_TYPES, input.shareMethodType)) add('共享方式类型', '共享平台方式须注明类型：接口、数据库或文件');
  }
  if (input.shareMethodType !== null && !has(SHARE_METHOD_TYPES, input.shareMethodType)) add('共享方式类型', '共享方式类型应为 接口、数据库 或 文件');
  if (typeof input.isOpen !== 'boolean') add('是否向社会开放', '是否向社会开放应为 是 或 否');
  if (!has(UPDATE_CYCLES, input.updateCycle)) add('更新周期', `更新周期应为 ${UPDATE_CYCLES.join('、')} 之一`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.publishDate ?? '') || Number.isNaN(Date.parse(input.publishDate))) add('发布日期', '发布日期应为 yyyy-mm-dd');
  return problems;
}
