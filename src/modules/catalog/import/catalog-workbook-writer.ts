/**
 * Exports catalog resources: as a workbook in the annex-4 layout that parseCatalogWorkbook reads back
 * unchanged, as CSV (one row per info item) and as JSON.
 */
import ExcelJS from 'exceljs';
import '../../../platform/excel/linear-merges.js';
import { DATA_TYPE_LABELS, type InfoItemInput, type ResourceInput } from '../catalog.types.js';
import { COLUMNS, templateHeader, type ColumnDef, type ColumnKey } from './catalog-columns.js';

export type ExportedResource = ResourceInput & { code: string | null };

export interface WriteCatalogOptions {
  /** Row-2 title; defaults to 政务信息资源目录. */
  title?: string;
}

const SHEET_NAME = '政务信息资源目录';
const STAMP = '部门（盖章）：            填写时间：            联系人：            联系电话：';
const FIRST_DATA_ROW = 5;
const COLUMN_WIDTHS: Partial<Record<ColumnKey, number>> = {
  name: 24, code: 18, providerName: 24, providerCode: 22, summary: 36, itemName: 20, shareCondition: 36, relatedClass: 28,
};

type CellOut = string | number | Date | null;

const dataTypeText = (item: InfoItemInput) => `${DATA_TYPE_LABELS[item.dataType]} ${item.dataType}`;

function utcDate(isoDate: string): Date {
  const [y, m, d] = isoDate.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!));
}

/** The value of one template column for a resource (and, for item columns, one of its items). */
function cellFor(key: ColumnKey, r: ExportedResource, item: InfoItemInput | undefined, forCsv: boolean): CellOut {
  switch (key) {
    case 'itemName': return item?.name ?? null;
    case 'dataType': return item ? dataTypeText(item) : null;
    case 'length': return item?.length ?? null;
    case 'isOpen': return r.isOpen ? '是' : '否';
    case 'publishDate': return forCsv ? r.publishDate : utcDate(r.publishDate);
    default: return r[key];
  }
}

/**
 * Writes resources as an annex-4 workbook: stamp row, title row, the two-row grouped header, then one row per
 * info item with the resource-level cells merged down over the item rows.
 */
export async function writeCatalogWorkbook(resources: ExportedResource[], options: WriteCatalogOptions = {}): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(SHEET_NAME, { views: [{ state: 'frozen', ySplit: 4 }] });
  const width = COLUMNS.length;
  sheet.columns = COLUMNS.map((c) => ({ width: COLUMN_WIDTHS[c.key] ?? 14 }));

  sheet.getCell(1, 1).value = STAMP;
  sheet.getCell(2, 1).value = options.title ?? SHEET_NAME;
  sheet.getCell(2, 1).font = { bold: true, size: 16 };
  sheet.getCell(2, 1).alignment = { horizontal: 'center' };
  sheet.mergeCells(1, 1, 1, width);
  sheet.mergeCells(2, 1, 2, width);
  writeHeader(sheet);

  let r = FIRST_DATA_ROW;
  for (const resource of resources) {
    const rows = Math.max(resource.items.length, 1);
    for (let i = 0; i < rows; i++) {
      const row = sheet.getRow(r + i);
      const item = resource.items[i];
      COLUMNS.forEach((c, index) => {
        if (!c.item && i > 0) return;
        const cell = row.getCell(index + 1);
        cell.value = cellFor(c.key, resource, item, false);
        if (c.key === 'publishDate') cell.numFmt = 'yyyy-mm-dd';
      });
    }
    if (rows > 1) COLUMNS.forEach((c, index) => { if (!c.item) sheet.mergeCells(r, index + 1, r + rows - 1, index + 1); });
    r += rows;
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function writeHeader(sheet: ExcelJS.Worksheet): void {
  const groupStart = new Map<string, number>();
  COLUMNS.forEach((c: ColumnDef, index) => {
    const col = index + 1;
    sheet.getCell(3, col).value = c.group ?? templateHeader(c);
    sheet.getCell(4, col).value = templateHeader(c);
    if (c.group === null) sheet.mergeCells(3, col, 4, col);
    else if (!groupStart.has(c.group)) groupStart.set(c.group, col);
  });
  for (const [group, start] of groupStart) {
    let end = start;
    while (COLUMNS[end]?.group === group) end++;
    if (end > start) sheet.mergeCells(3, start, 3, end);
  }
  for (const r of [3, 4]) {
    const row = sheet.getRow(r);
    row.font = { bold: true };
    row.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  }
}


const CSV_NEEDS_QUOTES = /[",\r\n]/;
// Spreadsheet programs run cells starting with these as formulas when a CSV is opened (CSV injection).
const CSV_FORMULA_START = /^[=+\-@\t\r]/;

function csvField(value: CellOut): string {
  if (value === null) return '';
  let text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
  if (typeof value === 'string' && CSV_FORMULA_START.test(text)) text = `'${text}`;
  return CSV_NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV (UTF-8 with BOM so Excel detects the encoding, CRLF, RFC 4180 quoting): one row per info item, template columns. */
export function catalogToCsv(resources: ExportedResource[]): Buffer {
  const lines = [COLUMNS.map((c) => csvField(templateHeader(c))).join(',')];
  for (const resource of resources) {
    const rows = Math.max(resource.items.length, 1);
    for (let i = 0; i < rows; i++) {
      const item = resource.items[i];
      lines.push(COLUMNS.map((c) => csvField(cellFor(c.key, resource, item, true))).join(','));
    }
  }
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** JSON text: an array of resources with their codes, fields in ResourceInput order. */
export function catalogToJson(resources: ExportedResource[]): string {
  return JSON.stringify(resources.map((r) => ({
    name: r.name, code: r.code, providerName: r.providerName, providerCode: r.providerCode, providerDivision: r.providerDivision,
    summary: r.summary, formatClass: r.formatClass, formatType: r.formatType, formatOther: r.formatOther,
    items: r.items.map((i) => ({ name: i.name, dataType: i.dataType, length: i.length })),
    shareType: r.shareType, shareCondition: r.shareCondition, shareMethodClass: r.shareMethodClass,
    shareMethodType: r.shareMethodType, isOpen: r.isOpen, openCondition: r.openCondition, updateCycle: r.updateCycle,
    publishDate: r.publishDate, relatedClass: r.relatedClass,
  })), null, 2);
}
