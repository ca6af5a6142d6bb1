import ExcelJS from 'exceljs';
import {
  FREQUENCIES, NETWORKS, USAGE_SCOPES, type CensusImportError, type CensusSystemInput, type CensusSystemView,
} from './census.types.js';

/**
 * The census questionnaire (seed 003 附件2/附件3) as one spreadsheet row per system. Columns are
 * matched by header text, so clerks may reorder or drop optional ones; `*` marks a required column.
 */

type Field = keyof CensusSystemInput;
type Cell = ExcelJS.CellValue;

interface Column {
  header: string;
  width: number;
  /** The questionnaire field, or a column the service resolves itself. */
  key: Field | 'orgName' | 'resourceCodes' | 'zombie';
  kind: 'text' | 'enum' | 'bool' | 'int' | 'decimal' | 'date' | 'list' | 'computed';
  required?: boolean;
  /** Accepted spellings → stored value (enum columns); the first spelling of each value is what export writes. */
  values?: Record<string, string>;
}

const enumOf = (values: readonly string[]) => Object.fromEntries(values.map((v) => [v, v]));

export const SHEET_NAME = '信息系统普查';

export const COLUMNS: Column[] = [
  { header: '所属部门', width: 24, key: 'orgName', kind: 'text' },
  { header: '系统名称', width: 28, key: 'name', kind: 'text', required: true },
  { header: '系统类型', width: 12, key: 'kind', kind: 'enum', values: { 自建系统: '自建', 垂管系统: '垂管', 自建: '自建', 垂管: '垂管' } },
  { header: '运行状态', width: 12, key: 'status', kind: 'enum', required: true, values: { 正在运行: '运行', 停止运行: '停止', 其他: '其他', 运行: '运行', 停止: '停止' } },
  { header: '系统功能描述', width: 36, key: 'functionDesc', kind: 'text' },
  { header: '信息资源名称', width: 28, key: 'resourceNames', kind: 'text' },
  {
    header: '运行网络', width: 16, key: 'network', kind: 'enum', required: true,
    values: { ...enumOf(NETWORKS), 内网: '电子政务内网', 外网: '电子政务外网', 专网: '业务专网', 政务内网: '电子政务内网', 政务外网: '电子政务外网' },
  },
  { header: '是否属于涉密网', width: 14, key: 'classified', kind: 'bool' },
  { header: '安全等级', width: 14, key: 'securityLevel', kind: 'text' },
  { header: '保密条款名称或条款序号', width: 20, key: 'secrecyClause', kind: 'text' },
  { header: '是否可连接到电子政务外网或互联网', width: 18, key: 'canConnect', kind: 'bool' },
  { header: '连接方式', width: 16, key: 'connectMethod', kind: 'text' },
  { header: '不可连接的原因', width: 20, key: 'noConnectReason', kind: 'text' },
  { header: '访问入口地址', width: 24, key: 'accessAddress', kind: 'text' },
  { header: '网站集约化', width: 12, key: 'websiteIntensive', kind: 'bool' },
  { header: '使用范围', width: 16, key: 'usageScope', kind: 'enum', values: enumOf(USAGE_SCOPES) },
  { header: '使用范围说明', width: 24, key: 'usageScopeDetail', kind: 'text' },
  { header: '用户数量', width: 10, key: 'userCount', kind: 'int' },
  { header: '使用频度', width: 10, key: 'frequency', kind: 'enum', required: true, values: enumOf(FREQUENCIES) },
  { header: '责任科室', width: 16, key: 'ownerDivision', kind: 'text' },
  { header: '责任人姓名', width: 12, key: 'ownerName', kind: 'text' },
  { header: '责任人职务', width: 12, key: 'ownerTitle', kind: 'text' },
  { header: '责任人电话', width: 16, key: 'ownerPhone', kind: 'text' },
  { header: '审批单位', width: 20, key: 'approver', kind: 'text' },
  { header: '审批时间', width: 12, key: 'approvalDate', kind: 'date' },
  { header: '建设单位', width: 20, key: 'builder', kind: 'text' },
  { header: '建设时间', width: 12, key: 'buildDate', kind: 'date' },
  { header: '质保期（年）', width: 10, key: 'warrantyYears', kind: 'int' },
  { header: '建设资金（万元）', width: 12, key: 'buildBudget', kind: 'decimal' },
  { header: '建设资金来源', width: 16, key: 'buildBudgetSource', kind: 'text' },
  { header: '运维经费（万元）', width: 12, key: 'omBudget', kind: 'decimal' },
  { header: '运维经费来源', width: 16, key: 'omBudgetSource', kind: 'text' },
  { header: '运维单位', width: 20, key: 'omUnit', kind: 'text' },
  { header: '已向其他部门提供的信息资源', width: 30, key: 'providedTo', kind: 'text' },
  { header: '已从其他部门获取的信息资源', width: 30, key: 'obtainedFrom', kind: 'text' },
  { header: '需其他部门提供的信息资源', width: 30, key: 'neededFrom', kind: 'text' },
  { header: '技术支撑人员及联系方式', width: 24, key: 'techSupport', kind: 'text' },
  { header: '其他说明', width: 24, key: 'remarks', kind: 'text' },
  { header: '人工标记僵尸系统', width: 12, key: 'manualZombie', kind: 'bool' },
  { header: '人工标记原因', width: 24, key: 'manualZombieReason', kind: 'text' },
  { header: '关联目录资源代码', width: 24, key: 'resourceCodes', kind: 'list' },
  { header: '僵尸系统判定（自动生成，导入时忽略）', width: 30, key: 'zombie', kind: 'computed' },
];

/** The header a clerk sees for a questionnaire field (for the import error report). */
export function headerOf(field: Field): string {
  return COLUMNS.find((c) => c.key === field)?.header ?? field;
}

const exportValueOf = (column: Column, stored: string) =>
  Object.entries(column.values ?? {}).find(([, v]) => v === stored)?.[0] ?? stored;

/** Writes systems as the census spreadsheet. */
export async function writeCensusWorkbook(systems: CensusSystemView[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(SHEET_NAME, { views: [{ state: 'frozen', xSplit: 2, ySplit: 1 }] });
  sheet.columns = COLUMNS.map((c) => ({ header: c.required ? `${c.header}*` : c.header, width: c.width }));
  sheet.getRow(1).font = { bold: true };
  for (const s of systems) {
    sheet.addRow(COLUMNS.map((c): Cell => {
      if (c.key === 'orgName') return s.orgName;
      if (c.key === 'resourceCodes') return s.resources.map((r) => r.code).join('；') || null;
      if (c.key === 'zombie') return s.zombie.reasons.map((r) => `${r.label}：${r.detail}`).join('；') || null;
      const v = s[c.key];
      if (v === null || v === undefined) return null;
      if (typeof v === 'boolean') return v ? '是' : '否';
      if (c.kind === 'enum') return exportValueOf(c, String(v));
      return v as Cell;
    }));
  }
  // Drop-down lists for the closed answers, as on the paper form's check boxes.
  COLUMNS.forEach((c, i) => {
    const options = c.kind === 'enum' ? [...new Set(Object.values(c.values ?? {}).map((v) => exportValueOf(c, v)))] : c.kind === 'bool' ? ['是', '否'] : null;
    if (!options) return;
    const letter = sheet.getColumn(i + 1).letter;
    for (let r = 2; r <= Math.max(200, systems.length + 50); r++) {
      sheet.getCell(`${letter}${r}`).dataValidation = { type: 'list', allowBlank: true, formulae: [`"${options.join(',')}"`] };
    }
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export interface ParsedRow {
  /** The Excel row number (the header is row 1). */
  row: number;
  orgName: string | null;
  input: CensusSystemInput;
  /** null when the file has no 关联目录资源代码 column (the links are then left as they are). */
  resourceCodes: string[] | null;
}

/** Plain text of a cell: rich text, hyperlinks and formulas give their visible text. */
function cellText(value: Cell): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((t) => t.text).join('').trim() || null;
    if ('text' in value && typeof value.text === 'string') return value.text.trim() || null;
    if ('result' in value) return cellText((value.result ?? null) as Cell);
    if ('error' in value) return null;
    return null;
  }
  const text = String(value).trim();
  return text === '' ? null : text;
}

function parseDate(value: Cell): string | null | Error {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  const text = cellText(value);
  if (text === null) return null;
  const m = /^(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?$/.exec(text);
  if (!m) return new Error('日期格式应为 YYYY-MM-DD');
  const date = `${m[1]}-${m[2]!.padStart(2, '0')}-${(m[3] ?? '1').padStart(2, '0')}`;
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) return new Error('不是有效的日期');
  return date;
}

const normaliseHeader = (h: string) => h.replace(/[*＊\s]/g, '').replace(/\(/g, '（').replace(/\)/g, '）');

/**
 * Reads the census spreadsheet. Returns the rows it could read and every cell problem found; the
 * service adds the questionnaire rules and decides whether anything is written.
 */
export async function readCensusWorkbook(file: Buffer): Promise<{ rows: ParsedRow[]; errors: CensusImportError[]; presentFields: Set<Field> }> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(file as unknown as ArrayBuffer);
  } catch {
    return { rows: [], errors: [{ row: 0, column: '', message: '文件不是有效的 Excel（.xlsx）文件' }], presentFields: new Set() };
  }
  const sheet = workbook.getWorksheet(SHEET_NAME) ?? workbook.worksheets[0];
  if (!sheet) return { rows: [], errors: [{ row: 0, column: '', message: '文件中没有工作表' }], presentFields: new Set() };

  const indexOf = new Map<string, number>();
  sheet.getRow(1).eachCell((cell, col) => {
    const text = cellText(cell.value);
    if (text) indexOf.set(normaliseHeader(text), col);
  });
  const columnAt = new Map<Column, number>();
  const errors: CensusImportError[] = [];
  for (const c of COLUMNS) {
    const col = indexOf.get(normaliseHeader(c.header));
    if (col !== undefined) columnAt.set(c, col);
    else if (c.required) errors.push({ row: 1, column: c.header, message: '缺少必填列（请使用导出的普查表模板）' });
  }
  const presentFields = new Set<Field>();
  for (const c of columnAt.keys()) if (c.key !== 'orgName' && c.key !== 'resourceCodes' && c.key !== 'zombie') presentFields.add(c.key);
  if (errors.length > 0) return { rows: [], errors, presentFields };

  const rows: ParsedRow[] = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const raw = new Map<Column, Cell>();
    for (const [c, col] of columnAt) raw.set(c, row.getCell(col).value);
    if (COLUMNS.every((c) => c.kind === 'computed' || cellText(raw.get(c) ?? null) === null)) continue; // blank line

    const values: Record<string, unknown> = {};
    const fail = (c: Column, message: string) => errors.push({ row: r, column: c.header, message });
    for (const c of COLUMNS) {
      const value = raw.get(c) ?? null;
      const text = cellText(value);
      if (c.required && text === null) { fail(c, '必填项不能为空'); continue; }
      switch (c.kind) {
        case 'computed': break;
        case 'text': values[c.key] = text; break;
        case 'list': values[c.key] = !columnAt.has(c) ? null : text ? [...new Set(text.split(/[;；,，\s]+/).filter(Boolean))] : []; break;
        case 'enum': {
          if (text === null) { values[c.key] = null; break; }
          const stored = c.values?.[text.replace(/\s/g, '')];
          if (stored === undefined) fail(c, `“${text}”不是有效选项，应为：${[...new Set(Object.values(c.values ?? {}).map((v) => exportValueOf(c, v)))].join('、')}`);
          values[c.key] = stored ?? null;
          break;
        }
        case 'bool': {
          if (text === null) { values[c.key] = null; break; }
          if (['是', 'true', 'TRUE', 'Y', '√'].includes(text)) values[c.key] = true;
          else if (['否', 'false', 'FALSE', 'N', '×'].includes(text)) values[c.key] = false;
          else fail(c, `应填写“是”或“否”，而不是“${text}”`);
          break;
        }
        case 'int':
        case 'decimal': {
          if (text === null || (c.key === 'userCount' && text === '不固定')) { values[c.key] = null; break; }
          const n = typeof value === 'number' ? value : Number(text.replace(/[,，]/g, ''));
          if (!Number.isFinite(n) || (c.kind === 'int' && !Number.isInteger(n))) {
            fail(c, c.kind === 'int' ? `应为整数${c.key === 'userCount' ? '或“不固定”' : ''}，而不是“${text}”` : `应为数字，而不是“${text}”`);
          } else values[c.key] = n;
          break;
        }
        case 'date': {
          const d = parseDate(value);
          if (d instanceof Error) fail(c, `“${text}”：${d.message}`);
          else values[c.key] = d;
          break;
        }
      }
    }
    const { orgName, resourceCodes, ...fields } = values as Record<string, unknown> & { orgName: string | null; resourceCodes: string[] | null };
    rows.push({
      row: r,
      orgName: orgName ?? null,
      resourceCodes,
      input: {
        ...(fields as unknown as CensusSystemInput),
        kind: (fields.kind as CensusSystemInput['kind'] | null) ?? '自建',
        classified: (fields.classified as boolean | null) ?? false,
        manualZombie: (fields.manualZombie as boolean | null) ?? false,
      },
    });
  }
  return { rows, errors, presentFields };
}
