/**
 * Reads a catalog workbook in the annex-4 layout (DOMAIN.md §3) into one ParsedBlock per resource.
 * One exceljs load, one pass over the rows, then provider lookups (once per distinct code) and validation.
 */
import { Readable, Stream } from 'node:stream';
import ExcelJS from 'exceljs';
// exceljs alone is quadratic in the number of merged ranges; the annex-4 layout has one per resource cell.
import '../../../platform/excel/linear-merges.js';
import { DomainError } from '../../../platform/errors.js';
import type { ImportError, ResourceInput } from '../catalog.types.js';
import { COLUMNS, LABEL, normaliseHeader, resolveHeader, templateHeader, type ColumnKey } from './catalog-columns.js';
import { asText, flatten, parseProviderCode, type Flat } from './normalise.js';
import { validateBlock, type ProviderRef, type ProviderResolution, type RawBlock } from './validate.js';

export type { ProviderRef } from './validate.js';

export interface ParsedBlock {
  /** First spreadsheet row of the block, 1-based. */
  row: number;
  name: string;
  /** null when the block has errors. */
  resource: ResourceInput | null;
  errors: ImportError[];
}

export interface ParsedCatalog {
  blocks: ParsedBlock[];
  sheet: string;
  headerRow: number;
}

export interface ParseCatalogOptions {
  /** Resolves a USCC or a legacy org code `XXXXXXXX-X` to a department registered on the platform. */
  lookupProvider(code: string): ProviderRef | null | Promise<ProviderRef | null>;
}

/** How far down a sheet the header may start (stamp, title and note rows come first). */
const HEADER_SCAN_ROWS = 20;
const MIN_HEADER_COLUMNS = 6;

interface HeaderMatch {
  sheet: ExcelJS.Worksheet;
  row: number;
  columns: Map<ColumnKey, number>;
}

/**
 * Parses a catalog workbook. Problems in the data are reported per block; a file that is not a workbook, or
 * has no recognisable template header or lacks required columns, throws a VALIDATION_FAILED DomainError
 * whose `extra.errors` lists ImportErrors.
 */
export async function parseCatalogWorkbook(input: Buffer | NodeJS.ReadableStream, options: ParseCatalogOptions): Promise<ParsedCatalog> {
  const workbook = new ExcelJS.Workbook();
  try {
    if (Buffer.isBuffer(input)) await workbook.xlsx.load(input as unknown as ExcelJS.Buffer);
    else await workbook.xlsx.read(input instanceof Stream ? input : new Readable().wrap(input));
  } catch {
    throw importFailure({ column: '文件', message: '文件无法读取，请上传 .xlsx 格式的政务信息资源目录模板（Excel 2007 及以上）' });
  }

  const header = findHeader(workbook);
  const missing = COLUMNS.filter((c) => c.required && !header.columns.has(c.key));
  if (missing.length > 0) {
    throw importFailure(...missing.map((c) => ({
      column: c.label,
      message: `工作表“${header.sheet.name}”第 ${header.row} 行的表头缺少“${templateHeader(c)}”列，请使用标准目录模板`,
    })));
  }

  const rawBlocks = readBlocks(header);
  const providers = await resolveProviders(rawBlocks, options.lookupProvider);

  const firstRowByKey = new Map<string, number>();
  const blocks = rawBlocks.map((raw): ParsedBlock => {
    const codeText = asText(raw.values.providerCode ?? null);
    const provider = codeText === '' ? null : providers.get(codeText)!;
    const { resource, errors } = validateBlock(raw, provider);
    const name = asText(raw.values.name ?? null);
    // The same department listing the same resource twice is a copy-paste slip, not two resources.
    const providerKey = provider?.ref?.uscc ?? (provider && provider.parsed.kind !== 'invalid' ? provider.parsed.code : codeText);
    if (name !== '' && providerKey !== '') {
      const key = `${providerKey}\u0000${name}`;
      const first = firstRowByKey.get(key);
      if (first === undefined) firstRowByKey.set(key, raw.row);
      else errors.push({ column: LABEL.name, message: `信息资源“${name}”与第 ${first} 行的资源重复：同一提供方的同名资源在一个文件中只能填报一次` });
    }
    return { row: raw.row, name, resource: errors.length === 0 ? resource : null, errors };
  });
  return { blocks, sheet: header.sheet.name, headerRow: header.row };
}

function importFailure(...errors: ImportError[]): DomainError {
  return new DomainError('VALIDATION_FAILED', errors.map((e) => `${e.column}：${e.message}`).join('；'), { errors });
}

function cellString(row: ExcelJS.Row, col: number): string {
  return normaliseHeader(asText(flatten(row.getCell(col).value)));
}

/** Picks, over the first rows of each sheet, the row whose cells name the most template columns. */
function findHeader(workbook: ExcelJS.Workbook): HeaderMatch {
  for (const sheet of workbook.worksheets) {
    let best: HeaderMatch | null = null;
    const last = Math.min(sheet.rowCount, HEADER_SCAN_ROWS);
    const width = sheet.columnCount;
    for (let r = 1; r <= last; r++) {
      const row = sheet.getRow(r);
      const above = r > 1 ? sheet.getRow(r - 1) : null;
      const columns = new Map<ColumnKey, number>();
      for (let c = 1; c <= width; c++) {
        const key = resolveHeader(cellString(row, c), above ? cellString(above, c) : '');
        if (key && !columns.has(key)) columns.set(key, c);
      }
      if (columns.size > (best?.columns.size ?? 0)) best = { sheet, row: r, columns };
    }
    if (best && best.columns.size >= MIN_HEADER_COLUMNS && best.columns.has('name') && best.columns.has('itemName')) return best;
  }
  throw importFailure({
    column: '表头',
    message: `未找到目录模板表头：前 ${HEADER_SCAN_ROWS} 行中没有包含“信息资源名称”“信息项名称”等列名的行，请使用标准政务信息资源目录模板（附件4）`,
  });
}

const isBlank = (v: Flat) => v === null;
const sameValue = (a: Flat, b: Flat) => a === b || (a instanceof Date && b instanceof Date && a.getTime() === b.getTime());

/**
 * One pass over the data rows. A block starts where the resource name changes, or where the same name comes
 * from a different merge range or provider code (two resources listed back to back); a row with a blank name
 * continues the current block, whichever of the merged / repeated / blank layouts the clerk used.
 */
function readBlocks({ sheet, row: headerRow, columns }: HeaderMatch): RawBlock[] {
  const resourceCols: [ColumnKey, number][] = [];
  for (const c of COLUMNS) {
    const at = columns.get(c.key);
    if (at !== undefined && !c.item) resourceCols.push([c.key, at]);
  }
  const providerIdx = resourceCols.findIndex(([key]) => key === 'providerCode');
  const nameCol = columns.get('name')!;
  const itemNameCol = columns.get('itemName')!;
  const dataTypeCol = columns.get('dataType');
  const lengthCol = columns.get('length');
  const blocks: RawBlock[] = [];
  let current: RawBlock | null = null;
  let currentMaster: string | null = null;
  const rowValues: Flat[] = new Array<Flat>(resourceCols.length);
  const conflicted = new Set<ColumnKey>();

  const last = sheet.rowCount;
  for (let r = headerRow + 1; r <= last; r++) {
    const row = sheet.findRow(r);
    if (!row) continue;
    let empty = true;
    for (let i = 0; i < resourceCols.length; i++) {
      const v = flatten(row.getCell(resourceCols[i]![1]).value);
      rowValues[i] = v;
      if (v !== null) empty = false;
    }
    const itemName = asText(flatten(row.getCell(itemNameCol).value));
    const dataType = dataTypeCol === undefined ? '' : asText(flatten(row.getCell(dataTypeCol).value));
    const length = lengthCol === undefined ? null : flatten(row.getCell(lengthCol).value);
    const hasItem = itemName !== '' || dataType !== '' || length !== null;
    if (empty && !hasItem) continue;

    const nameCell = row.getCell(nameCol);
    const name = asText(flatten(nameCell.value));
    const master = nameCell.isMerged ? nameCell.master.address : null;
    const currentName = current ? asText(current.values.name ?? null) : '';
    const providerCode = asText(rowValues[providerIdx] ?? null);
    const startsBlock = !current || (name !== '' && (
      name !== currentName ||
      (master !== currentMaster && (master !== null || currentMaster !== null)) ||
      (master === null && providerCode !== '' && providerCode !== asText(current.values.providerCode ?? null))
    ));

    if (startsBlock) {
      current = { row: r, values: {}, items: [], errors: [] };
      currentMaster = master;
      conflicted.clear();
      for (let i = 0; i < resourceCols.length; i++) current.values[resourceCols[i]![0]] = rowValues[i] ?? null;
      blocks.push(current);
    } else {
      for (let i = 0; i < resourceCols.length; i++) {
        const v = rowValues[i] ?? null;
        if (isBlank(v)) continue;
        const key = resourceCols[i]![0];
        const held = current!.values[key] ?? null;
        if (isBlank(held)) current!.values[key] = v;
        else if (!sameValue(held, v) && !conflicted.has(key)) {
          conflicted.add(key);
          current!.errors.push({
            column: LABEL[key],
            message: `第 ${r} 行的${LABEL[key]}“${asText(v)}”与本资源第 ${current!.row} 行的“${asText(held)}”不一致，同一资源的资源级信息应相同（或合并单元格）`,
          });
        }
      }
    }
    if (hasItem) current!.items.push({ row: r, name: itemName, dataType, length });
  }
  return blocks;
}

/** Looks up each distinct provider code once, however many blocks use it. */
async function resolveProviders(
  blocks: RawBlock[],
  lookup: ParseCatalogOptions['lookupProvider'],
): Promise<Map<string, ProviderResolution>> {
  const byText = new Map<string, ProviderResolution>();
  const pending = new Map<string, Promise<ProviderRef | null>>();
  const waits: Promise<void>[] = [];
  for (const block of blocks) {
    const text = asText(block.values.providerCode ?? null);
    if (text === '' || byText.has(text)) continue;
    const resolution: ProviderResolution = { parsed: parseProviderCode(text), ref: null };
    byText.set(text, resolution);
    if (resolution.parsed.kind === 'invalid') continue;
    const code = resolution.parsed.code;
    let ref = pending.get(code);
    if (!ref) {
      ref = Promise.resolve(lookup(code));
      pending.set(code, ref);
    }
    waits.push(ref.then((found) => { resolution.ref = found; }));
  }
  await Promise.all(waits);
  return byText;
}
