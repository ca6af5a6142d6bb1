import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { legacyOrgCode } from '../../../platform/validation/uscc.js';
import { COLUMNS, templateHeader } from './catalog-columns.js';
import { catalogToCsv, catalogToJson, parseCatalogWorkbook, writeCatalogWorkbook, type ProviderRef } from './index.js';

function demoProviders(): (code: string) => ProviderRef | null {
  const byCode = new Map<string, ProviderRef>();
  for (const line of readFileSync(new URL('../../../../demo/orgs.csv', import.meta.url), 'utf8').trim().split('\n').slice(1)) {
    const [, name, uscc] = line.split(',');
    byCode.set(uscc!, { uscc: uscc!, name: name! });
    byCode.set(legacyOrgCode(uscc!), { uscc: uscc!, name: name! });
  }
  return (code) => byCode.get(code) ?? null;
}

async function sampleResources() {
  const parsed = await parseCatalogWorkbook(readFileSync(new URL('../../../../test/fixtures/catalog-sample.xlsx', import.meta.url)), { lookupProvider: demoProviders() });
  return parsed.blocks.map((b) => b.resource!);
}

describe('writeCatalogWorkbook', () => {
  it('round-trips the sample: parse → write → parse gives the same resources', async () => {
    const resources = await sampleResources();
    resources[0] = { ...resources[0]!, code: '101002001/000123', formatOther: '含“引号”, 逗号' };
    const written = await writeCatalogWorkbook(resources, { title: '珠海市政务信息资源目录' });
    const reparsed = await parseCatalogWorkbook(written, { lookupProvider: demoProviders() });
    expect(reparsed.blocks.flatMap((b) => b.errors)).toEqual([]);
    expect(reparsed.blocks.map((b) => b.resource)).toEqual(resources);
  });

  it('writes the annex-4 layout: stamp, title, grouped header, merged resource cells, real dates, 字符型 C', async () => {
    const resources = await sampleResources();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await writeCatalogWorkbook(resources.slice(0, 2), { title: '目录' })) as unknown as ExcelJS.Buffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getCell('A2').value).toBe('目录');
    expect(ws.getRow(4).values).toEqual([undefined, ...COLUMNS.map(templateHeader)]);
    expect(ws.getCell('G3').value).toBe('信息资源格式');
    expect(ws.getCell('A3').value).toBe('信息资源名称（必填项）');
    expect(ws.getCell('A6').isMerged).toBe(true);
    expect(ws.getCell('A6').master.address).toBe('A5');
    expect(ws.getCell('T5').value).toEqual(new Date(Date.UTC(2019, 9, 22)));
    expect(ws.getCell('K5').value).toBe('字符型 C');
    expect(ws.getCell('A13').value).toBe(resources[1]!.name);
  });
});

describe('catalogToCsv / catalogToJson', () => {
  it('exports one CSV row per info item with the template columns, BOM and RFC 4180 quoting', async () => {
    const resources = await sampleResources();
    resources[0] = { ...resources[0]!, summary: '含"引号", 逗号\n换行' };
    const csv = catalogToCsv(resources);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = csv.toString('utf8').slice(1);
    expect(text.startsWith(`${COLUMNS.map(templateHeader).join(',')}\r\n`)).toBe(true);
    expect(text).toContain('"含""引号"", 逗号\n换行"');
    const records = text.split('\r\n').filter((l) => l !== '');
    expect(records).toHaveLength(1 + 230);
    expect(records[1]).toContain(',公民身份号码,字符型 C,18,');
    for (const r of resources) expect(text).toContain(r.name);
  });

  it('neutralises cells a spreadsheet would run as formulas', () => {
    const csv = catalogToCsv([{ ...base(), name: '=HYPERLINK("x")' }]).toString('utf8');
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it('exports JSON with every resource, its code and items', async () => {
    const resources = await sampleResources();
    const json = JSON.parse(catalogToJson(resources));
    expect(json).toEqual(resources);
    expect(json.flatMap((r: { items: unknown[] }) => r.items)).toHaveLength(230);
    expect(json[0]).toHaveProperty('code', null);
  });
});

function base() {
  return {
    name: 'x', code: null, providerName: 'p', providerCode: '11440400WFA5YL7R9R', providerDivision: null, summary: 's',
    formatClass: '数据库' as const, formatType: 'oracle', formatOther: null, items: [{ name: 'i', dataType: 'C' as const, length: 1 }],
    shareType: '无条件共享' as const, shareCondition: 'c', shareMethodClass: '共享平台方式' as const, shareMethodType: '接口' as const,
    isOpen: false, openCondition: null, updateCycle: '每月' as const, publishDate: '2023-05-25', relatedClass: null,
  };
}
