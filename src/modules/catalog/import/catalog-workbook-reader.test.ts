import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../platform/errors.js';
import { isValidUscc, legacyOrgCode } from '../../../platform/validation/uscc.js';
import { COLUMNS, templateHeader, type ColumnKey } from './catalog-columns.js';
import { parseCatalogWorkbook, type ParsedCatalog, type ProviderRef } from './index.js';

const fixture = (name: string) => new URL(`../../../../test/fixtures/${name}`, import.meta.url);

/** The 15 registered departments of demo/orgs.csv, findable by USCC or legacy org code. */
function demoProviders(): (code: string) => ProviderRef | null {
  const byCode = new Map<string, ProviderRef>();
  const csv = readFileSync(new URL('../../../../demo/orgs.csv', import.meta.url), 'utf8').trim().split('\n').slice(1);
  for (const line of csv) {
    const [, name, uscc] = line.split(',');
    byCode.set(uscc!, { uscc: uscc!, name: name! });
    byCode.set(legacyOrgCode(uscc!), { uscc: uscc!, name: name! });
  }
  return (code) => byCode.get(code) ?? null;
}

const GAJ = '11440400WFA5YL7R9R'; // 珠海市公安局
const SCJ = '11440400MG8FKWBT0A'; // 珠海市市场监督管理局
/** A well-formed USCC (Shenzhen region) that no registered department has. */
const UNREGISTERED = [...'0123456789ABCDEFGHJKLMNPQRTUWXY'].map((c) => `11440300WFA5YL7R9${c}`).find(isValidUscc)!;

type Cells = Partial<Record<ColumnKey, unknown>>;
interface FixtureBlock { cells: Cells; items: [string, unknown, unknown][] }

const block = (n: number, cells: Cells = {}, items?: [string, unknown, unknown][]): FixtureBlock => ({
  cells: {
    name: `测试资源${n}`, providerName: '珠海市公安局', providerCode: GAJ, summary: '测试用信息资源', formatClass: '数据库',
    formatType: 'oracle', shareType: '无条件共享', shareCondition: '用于政务服务', shareMethodClass: '共享平台方式',
    shareMethodType: '接口', isOpen: '否', updateCycle: '每月', publishDate: new Date(Date.UTC(2023, 4, 25)), ...cells,
  },
  items: items ?? [['姓名', '字符型 C', 50], ['出生日期', 'D', null]],
});

interface BuildOptions {
  layout?: 'merged' | 'repeated' | 'blank';
  /** Stamp and title rows above a two-row grouped header (the annex-4 layout), or one header row at row 1. */
  annexHeader?: boolean;
  order?: ColumnKey[];
}

/** Builds a template workbook in memory; returns it with the first row of each block. */
async function buildWorkbook(blocks: FixtureBlock[], options: BuildOptions = {}): Promise<{ buffer: Buffer; rows: number[] }> {
  const { layout = 'merged', annexHeader = true } = options;
  const columns = (options.order ?? COLUMNS.map((c) => c.key)).map((key) => COLUMNS.find((c) => c.key === key)!);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('目录');
  let r = 1;
  if (annexHeader) {
    ws.getCell(1, 1).value = '部门（盖章）：';
    ws.getCell(2, 1).value = '政务信息资源目录';
    ws.mergeCells(1, 1, 1, columns.length);
    ws.mergeCells(2, 1, 2, columns.length);
    columns.forEach((c, i) => {
      ws.getCell(3, i + 1).value = c.group ?? templateHeader(c);
      ws.getCell(4, i + 1).value = templateHeader(c);
    });
    r = 5;
  } else {
    columns.forEach((c, i) => { ws.getCell(1, i + 1).value = templateHeader(c); });
    r = 2;
  }
  const rows: number[] = [];
  for (const b of blocks) {
    rows.push(r);
    const height = Math.max(b.items.length, 1);
    for (let i = 0; i < height; i++) {
      const item = b.items[i];
      columns.forEach((c, ci) => {
        const cell = ws.getCell(r + i, ci + 1);
        if (c.item) cell.value = (item ? item[['itemName', 'dataType', 'length'].indexOf(c.key)] : null) as ExcelJS.CellValue;
        else if (i === 0 || layout === 'repeated') cell.value = (b.cells[c.key] ?? null) as ExcelJS.CellValue;
      });
    }
    if (layout === 'merged' && height > 1) {
      columns.forEach((c, ci) => { if (!c.item) ws.mergeCells(r, ci + 1, r + height - 1, ci + 1); });
    }
    r += height;
  }
  return { buffer: Buffer.from(await wb.xlsx.writeBuffer()), rows };
}

const parse = (buffer: Buffer) => parseCatalogWorkbook(buffer, { lookupProvider: demoProviders() });
const resources = (parsed: ParsedCatalog) => parsed.blocks.map((b) => b.resource);

describe('parseCatalogWorkbook: the annex-4 sample', () => {
  it('imports every block of catalog-sample.xlsx without errors, as expected', async () => {
    const expected = JSON.parse(readFileSync(fixture('catalog-sample.expected.json'), 'utf8'));
    const parsed = await parse(readFileSync(fixture('catalog-sample.xlsx')));
    expect(parsed.headerRow).toBe(4);
    expect(parsed.blocks.flatMap((b) => b.errors)).toEqual([]);
    expect(parsed.blocks).toHaveLength(expected.resources);
    const all = parsed.blocks.map((b) => b.resource!);
    expect(all.reduce((n, r) => n + r.items.length, 0)).toBe(expected.infoItems);
    const byShareType: Record<string, number> = {};
    for (const r of all) byShareType[r.shareType] = (byShareType[r.shareType] ?? 0) + 1;
    expect(byShareType).toEqual(expected.byShareType);
    expect(parsed.blocks.map((b) => ({
      row: b.row, name: b.name, provider: b.resource!.providerCode, items: b.resource!.items.length, publishDate: b.resource!.publishDate,
    }))).toEqual(expected.blocks);
  });

  it('reads the sample from a stream too', async () => {
    const { createReadStream } = await import('node:fs');
    const parsed = await parseCatalogWorkbook(createReadStream(fixture('catalog-sample.xlsx')), { lookupProvider: demoProviders() });
    expect(parsed.blocks).toHaveLength(41);
  });

  it('asks lookupProvider once per distinct provider code', async () => {
    const lookup = demoProviders();
    const asked: string[] = [];
    await parseCatalogWorkbook(readFileSync(fixture('catalog-sample.xlsx')), { lookupProvider: async (c) => { asked.push(c); return lookup(c); } });
    expect(asked).toHaveLength(15);
    expect(new Set(asked).size).toBe(15);
  });
});

describe('parseCatalogWorkbook: faulty blocks', () => {
  const faulty: [string, FixtureBlock, string][] = [
    ['missing summary', block(2, { summary: null }), '信息资源摘要'],
    ['bad data type', block(3, {}, [['姓名', '字符', 50]]), '数据类型'],
    ['不予共享 without legal basis', block(4, { shareType: '不予共享', shareCondition: null, shareMethodClass: null, shareMethodType: null }), '共享条件'],
    ['unregistered provider', block(5, { providerCode: UNREGISTERED }), '资源提供方代码'],
    ['impossible date', block(6, { publishDate: '2023-02-30' }), '发布日期'],
    ['wrong USCC check character', block(7, { providerCode: `${GAJ.slice(0, 17)}${GAJ.endsWith('0') ? '1' : '0'}` }), '资源提供方代码'],
    ['no named info item', block(8, {}, []), '信息项名称'],
    ['duplicate of block 1', block(1), '信息资源名称'],
  ];
  const valid = [block(1), block(9, { providerName: '珠海市市场监督管理局', providerCode: legacyOrgCode(SCJ) }), block(10, { shareType: '有条件共享' })];
  const all = [valid[0]!, ...faulty.slice(0, 4).map((f) => f[1]), valid[1]!, ...faulty.slice(4).map((f) => f[1]), valid[2]!];

  it('reports exactly one error per faulty block, at its row and column, and parses the valid blocks', async () => {
    const { buffer, rows } = await buildWorkbook(all);
    const parsed = await parse(buffer);
    expect(parsed.blocks.map((b) => b.row)).toEqual(rows);
    for (const [what, fb, column] of faulty) {
      const found = parsed.blocks.filter((b) => b.row === rows[all.indexOf(fb)]);
      expect(found, what).toHaveLength(1);
      expect(found[0]!.resource, what).toBeNull();
      expect(found[0]!.errors.map((e) => e.column), what).toEqual([column]);
    }
    const ok = parsed.blocks.filter((b) => b.errors.length === 0);
    expect(ok.map((b) => b.name)).toEqual(['测试资源1', '测试资源9', '测试资源10']);
    expect(ok[1]!.resource!.providerCode).toBe(SCJ);
  });

  it('words errors for a clerk: value, row and what is expected', async () => {
    const { buffer, rows } = await buildWorkbook(all);
    const parsed = await parse(buffer);
    const messageOf = (fb: FixtureBlock) => parsed.blocks.find((b) => b.row === rows[all.indexOf(fb)])!.errors[0]!.message;
    expect(messageOf(faulty[1]![1])).toBe(`第 ${rows[all.indexOf(faulty[1]![1])]} 行数据类型“字符”无法识别，应为 C/N/Y/D/T/L/M/G/B/I/F 或其中文名称（如“字符型 C”）`);
    expect(messageOf(faulty[2]![1])).toContain('法律');
    expect(messageOf(faulty[3]![1])).toContain('未在平台注册');
    expect(messageOf(faulty[4]![1])).toContain('2023-02-30');
    expect(messageOf(faulty[5]![1])).toContain('校验码');
    expect(messageOf(faulty[7]![1])).toContain(`第 ${rows[0]} 行`);
  });

  it('reports every problem of a block, not just the first', async () => {
    const { buffer } = await buildWorkbook([block(1, { summary: null, updateCycle: '偶尔', isOpen: '也许' }, [['姓名', 'X', 50], ['姓名', 'C', 10], ['地址', 'C', null]])]);
    const [b] = (await parse(buffer)).blocks;
    expect(b!.errors.map((e) => e.column).sort()).toEqual(['信息资源摘要', '信息项名称', '数据类型', '数据长度', '是否向社会开放', '更新周期'].sort());
  });
});

describe('parseCatalogWorkbook: layouts', () => {
  const blocks = [block(1), block(2, { shareType: '有条件共享' }, [['统一社会信用代码', 'C', 18]]), block(3)];

  it.each(['merged', 'repeated', 'blank'] as const)('reads resource cells %s over the item rows', async (layout) => {
    const merged = resources(await parse((await buildWorkbook(blocks)).buffer));
    const parsed = await parse((await buildWorkbook(blocks, { layout })).buffer);
    expect(parsed.blocks.flatMap((b) => b.errors)).toEqual([]);
    expect(resources(parsed)).toEqual(merged);
    expect(merged.map((r) => r!.items.length)).toEqual([2, 1, 2]);
  });

  it('finds a single header row at row 1 and columns in any order', async () => {
    const order = COLUMNS.map((c) => c.key).reverse();
    const expected = resources(await parse((await buildWorkbook(blocks)).buffer));
    const parsed = await parse((await buildWorkbook(blocks, { annexHeader: false, order, layout: 'repeated' })).buffer);
    expect(parsed.headerRow).toBe(1);
    expect(resources(parsed)).toEqual(expected);
  });

  it('splits back-to-back merged blocks with the same name and reports the second as a duplicate', async () => {
    const parsed = await parse((await buildWorkbook([block(1), block(1)])).buffer);
    expect(parsed.blocks.map((b) => b.errors.map((e) => e.column))).toEqual([[], ['信息资源名称']]);
  });

  it('rejects a workbook without a template header with a clear error', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1').addRow(['姓名', '年龄']);
    const buffer = Buffer.from(await wb.xlsx.writeBuffer());
    const error = await parse(buffer).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).extra.errors).toEqual([expect.objectContaining({ column: '表头' })]);
  });

  it('lists the required columns a header lacks', async () => {
    const order = COLUMNS.map((c) => c.key).filter((k) => k !== 'summary' && k !== 'publishDate');
    const error = await parse((await buildWorkbook(blocks, { order })).buffer).catch((e: unknown) => e) as DomainError;
    expect((error.extra.errors as { column: string }[]).map((e) => e.column)).toEqual(['信息资源摘要', '发布日期']);
  });

  it('rejects a file that is not a workbook', async () => {
    await expect(parse(Buffer.from('not a workbook'))).rejects.toBeInstanceOf(DomainError);
  });
});

describe('parseCatalogWorkbook: normalisation', () => {
  const serial = (Date.UTC(2023, 4, 25) - Date.UTC(1899, 11, 30)) / 86_400_000;

  it.each([['是', true], ['否', false], ['Y', true], ['n', false], ['yes', true], ['TRUE', true], ['1', true], [0, false]])(
    '是否向社会开放 %s → %s', async (cell, value) => {
      const [b] = (await parse((await buildWorkbook([block(1, { isOpen: cell })])).buffer)).blocks;
      expect(b!.resource!.isOpen).toBe(value);
    });

  it.each([new Date(Date.UTC(2023, 4, 25)), serial, '2023年5月25日', '2023-05-25', '2023/5/25', '20230525'])('发布日期 %s → 2023-05-25', async (cell) => {
    const [b] = (await parse((await buildWorkbook([block(1, { publishDate: cell })])).buffer)).blocks;
    expect(b!.resource!.publishDate).toBe('2023-05-25');
  });

  it('accepts share types and method classes without their suffixes, data types in four spellings, lengths as text', async () => {
    const items: [string, unknown, unknown][] = [['a', 'C', 18], ['b', '字符型', '18位'], ['c', '字符型 C', 18], ['d', '字符串型 C', ' 18 '], ['e', '数字型', 10], ['f', '日期型', null]];
    const [b] = (await parse((await buildWorkbook([block(1, { shareType: '有条件', shareMethodClass: '共享平台', shareCondition: '\u3000仅用于审批\u3000', formatType: 'Oracle', updateCycle: '每天' }, items)])).buffer)).blocks;
    expect(b!.errors).toEqual([]);
    const r = b!.resource!;
    expect([r.shareType, r.shareMethodClass, r.shareCondition, r.formatType, r.updateCycle]).toEqual(['有条件共享', '共享平台方式', '仅用于审批', 'oracle', '每日']);
    expect(r.items.map((i) => [i.dataType, i.length])).toEqual([['C', 18], ['C', 18], ['C', 18], ['C', 18], ['N', 10], ['D', null]]);
  });

  it('lets 邮件或介质方式 leave the type blank but requires a type for 共享平台方式', async () => {
    const parsed = await parse((await buildWorkbook([
      block(1, { shareMethodClass: '邮件或介质', shareMethodType: null }),
      block(2, { shareMethodType: null }),
    ])).buffer);
    expect(parsed.blocks[0]!.resource!.shareMethodClass).toBe('邮件或介质方式');
    expect(parsed.blocks[1]!.errors.map((e) => e.column)).toEqual(['共享方式类型']);
  });

  it('checks the optional 信息资源代码', async () => {
    const parsed = await parse((await buildWorkbook([block(1, { code: '101002001/000123' }), block(2, { code: '1010-123' })])).buffer);
    expect(parsed.blocks[0]!.resource!.code).toBe('101002001/000123');
    expect(parsed.blocks[1]!.errors.map((e) => e.column)).toEqual(['信息资源代码']);
  });
});
