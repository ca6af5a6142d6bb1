/**
 * DOMAIN.md §3 rules for one block of the annex-4 template: builds the normalised ResourceInput or lists
 * every problem, each named by the column a clerk sees and worded so the clerk can fix the cell.
 */
import {
  DATA_TYPE_LABELS, DATA_TYPES, FORMAT_TYPES, SHARE_METHOD_TYPES, UPDATE_CYCLES,
  type ImportError, type InfoItemInput, type ResourceInput,
} from '../catalog.types.js';
import { LABEL, type ColumnKey } from './catalog-columns.js';
import {
  asText, freeFormatType, lengthRequired, parseBoolean, parseDataType, parseDate, parseFormatClass, parseFormatType,
  parseLength, parseResourceCode, parseShareMethodClass, parseShareMethodType, parseShareType, parseUpdateCycle,
  USCC_PROBLEM_ZH, type Flat, type ProviderCode,
} from './normalise.js';

export interface ProviderRef {
  uscc: string;
  name: string;
}

export interface RawItem {
  row: number;
  name: string;
  dataType: string;
  length: Flat;
}

/** One block as read from the sheet: resource-level cells (first non-blank per column) and its item rows. */
export interface RawBlock {
  row: number;
  values: Partial<Record<ColumnKey, Flat>>;
  items: RawItem[];
  /** Problems found while reading, e.g. a resource-level cell that changes inside the block. */
  errors: ImportError[];
}

export interface ProviderResolution {
  parsed: ProviderCode;
  ref: ProviderRef | null;
}

const DATA_TYPE_HINT = `应为 ${DATA_TYPES.join('/')} 或其中文名称（如“字符型 C”）`;
const quote = (v: string) => `“${v}”`;

/** Validates one block; `provider` is null when the 资源提供方代码 cell is blank. */
export function validateBlock(block: RawBlock, provider: ProviderResolution | null): { resource: ResourceInput | null; errors: ImportError[] } {
  const errors: ImportError[] = [...block.errors];
  const fail = (key: ColumnKey, message: string) => errors.push({ column: LABEL[key], message });
  const text = (key: ColumnKey) => asText(block.values[key] ?? null);
  const required = (key: ColumnKey, hint: string): string => {
    const value = text(key);
    if (value === '') fail(key, `未填写${LABEL[key]}（必填项），${hint}`);
    return value;
  };
  const optional = (key: ColumnKey): string | null => text(key) || null;

  const name = required('name', '请填写信息资源的名称');
  const codeText = text('code');
  const code = codeText === '' ? null : parseResourceCode(codeText);
  if (codeText !== '' && code === null) fail('code', `信息资源代码${quote(codeText)}格式不正确，应为“分类代码/顺序号”，如 101002001/000123；也可不填，由平台赋码`);

  const providerName = required('providerName', '应为提供资源的部门名称');
  const providerCodeText = required('providerCode', '应为提供方的 18 位统一社会信用代码或组织机构代码（XXXXXXXX-X）');
  let providerCode = '';
  if (provider) {
    if (provider.parsed.kind === 'invalid') {
      fail('providerCode', `资源提供方代码${quote(providerCodeText)}无效：${USCC_PROBLEM_ZH[provider.parsed.problem]}，请核对后重新填写`);
    } else if (!provider.ref) {
      fail('providerCode', `资源提供方代码${quote(providerCodeText)}对应的部门未在平台注册，请核对代码或先由管理员登记该部门`);
    } else {
      providerCode = provider.ref.uscc;
    }
  }
  const summary = required('summary', '请简要描述资源的内容');

  const formatClassText = required('formatClass', '应为电子文件、电子表格、数据库、图形图像、流媒体、自描述格式或服务接口');
  const formatClass = formatClassText === '' ? null : parseFormatClass(formatClassText);
  if (formatClassText !== '' && !formatClass) {
    fail('formatClass', `信息资源格式分类${quote(formatClassText)}无法识别，应为电子文件、电子表格、数据库、图形图像、流媒体、自描述格式或服务接口`);
  }
  const formatTypeText = text('formatType');
  const formatOther = optional('formatOther');
  let formatType: string | null = null;
  if (formatClass) {
    const allowed = FORMAT_TYPES[formatClass].join('、');
    if (formatTypeText !== '') {
      formatType = parseFormatType(formatClass, formatTypeText);
      if (!formatType) fail('formatType', `信息资源格式类型${quote(formatTypeText)}不属于“${formatClass}”，应为 ${allowed}`);
    } else if (!freeFormatType(formatClass)) {
      fail('formatType', `未填写信息资源格式类型（必填项），“${formatClass}”应为 ${allowed}`);
    } else if (!formatOther) {
      fail('formatType', `未填写信息资源格式类型，“${formatClass}”请填写具体格式或在“其他类型资源格式描述”中说明`);
    }
  }

  const items = validateItems(block.items, fail);

  const shareTypeText = required('shareType', '应为无条件共享、有条件共享或不予共享');
  const shareType = shareTypeText === '' ? null : parseShareType(shareTypeText);
  if (shareTypeText !== '' && !shareType) fail('shareType', `共享类型${quote(shareTypeText)}无法识别，应为无条件共享、有条件共享或不予共享`);
  const shareCondition = text('shareCondition');
  if (shareCondition === '') {
    if (shareType === '不予共享') fail('shareCondition', '不予共享的资源必须在共享条件中写明不予共享的法律、行政法规或政策依据');
    else if (shareType === '有条件共享') fail('shareCondition', '有条件共享的资源必须在共享条件中写明共享的条件（使用范围、用途等）');
    else fail('shareCondition', '未填写共享条件（必填项），请写明使用要求');
  }

  const methodClassText = text('shareMethodClass');
  const methodTypeText = text('shareMethodType');
  const shareMethodClass = methodClassText === '' ? null : parseShareMethodClass(methodClassText);
  const shareMethodType = methodTypeText === '' ? null : parseShareMethodType(methodTypeText);
  if (methodClassText !== '' && !shareMethodClass) fail('shareMethodClass', `共享方式分类${quote(methodClassText)}无法识别，应为共享平台方式或邮件或介质方式`);
  if (methodTypeText !== '' && !shareMethodType) fail('shareMethodType', `共享方式类型${quote(methodTypeText)}无法识别，应为${SHARE_METHOD_TYPES.join('、')}`);
  if (methodClassText === '' && shareType && shareType !== '不予共享') fail('shareMethodClass', `未填写共享方式分类，${shareType}的资源应填写共享平台方式或邮件或介质方式`);
  if (shareMethodClass === '共享平台方式' && methodTypeText === '') fail('shareMethodType', `共享方式为共享平台方式时必须填写共享方式类型：${SHARE_METHOD_TYPES.join('、')}`);

  const openText = required('isOpen', '应填写“是”或“否”');
  const isOpen = openText === '' ? null : parseBoolean(block.values.isOpen ?? null);
  if (openText !== '' && isOpen === null) fail('isOpen', `是否向社会开放${quote(openText)}无法识别，应填写“是”或“否”`);

  const cycleText = required('updateCycle', `应为${UPDATE_CYCLES.join('、')}之一`);
  const updateCycle = cycleText === '' ? null : parseUpdateCycle(cycleText);
  if (cycleText !== '' && !updateCycle) fail('updateCycle', `更新周期${quote(cycleText)}无法识别，应为${UPDATE_CYCLES.join('、')}之一`);

  const dateValue = block.values.publishDate ?? null;
  const dateText = required('publishDate', '应为有效日期，如 2023-05-25');
  const publishDate = dateValue === null ? null : parseDate(dateValue);
  if (dateValue !== null && !publishDate) fail('publishDate', `发布日期${quote(dateText)}不是有效日期，应为真实存在的日期，如 2023-05-25 或 2023年5月25日`);

  if (errors.length > 0 || !formatClass || !shareType || isOpen === null || !updateCycle || !publishDate) return { resource: null, errors };
  return {
    errors,
    resource: {
      name, code, providerName, providerCode, providerDivision: optional('providerDivision'), summary,
      formatClass, formatType, formatOther, items, shareType, shareCondition, shareMethodClass, shareMethodType,
      isOpen, openCondition: optional('openCondition'), updateCycle, publishDate, relatedClass: optional('relatedClass'),
    },
  };
}

function validateItems(rows: RawItem[], fail: (key: ColumnKey, message: string) => void): InfoItemInput[] {
  const items: InfoItemInput[] = [];
  const firstRowByName = new Map<string, number>();
  for (const raw of rows) {
    if (raw.name === '') {
      fail('itemName', `第 ${raw.row} 行填写了数据类型或长度，但未填写信息项名称`);
      continue;
    }
    const seen = firstRowByName.get(raw.name);
    if (seen !== undefined) {
      fail('itemName', `第 ${raw.row} 行信息项名称${quote(raw.name)}与第 ${seen} 行重复，同一资源的信息项名称不能相同`);
      continue;
    }
    firstRowByName.set(raw.name, raw.row);
    const dataType = raw.dataType === '' ? null : parseDataType(raw.dataType);
    if (raw.dataType === '') fail('dataType', `第 ${raw.row} 行信息项${quote(raw.name)}未填写数据类型，${DATA_TYPE_HINT}`);
    else if (!dataType) fail('dataType', `第 ${raw.row} 行数据类型${quote(raw.dataType)}无法识别，${DATA_TYPE_HINT}`);
    let length: number | null = null;
    if (raw.length !== null) {
      length = parseLength(raw.length);
      if (length === null || (length === 0 && dataType && lengthRequired(dataType))) {
        fail('length', `第 ${raw.row} 行数据长度${quote(asText(raw.length))}无法识别，应为正整数，如 18 或 18位`);
      }
    } else if (dataType && lengthRequired(dataType)) {
      fail('length', `第 ${raw.row} 行信息项${quote(raw.name)}是${DATA_TYPE_LABELS[dataType]}，必须填写数据长度（正整数，如 18）`);
    }
    if (dataType) items.push({ name: raw.name, dataType, length });
  }
  if (firstRowByName.size === 0) fail('itemName', '该资源没有填写任何信息项，每个资源至少需要一个信息项（信息项名称、数据类型、数据长度）');
  return items;
}
