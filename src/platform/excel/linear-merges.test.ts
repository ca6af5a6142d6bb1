import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import './linear-merges.js';

describe('linear merge handling for exceljs', () => {
  it('merges, reads merged values, and still refuses overlapping merges', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('s');
    sheet.getCell('A1').value = 'master';
    sheet.mergeCells('A1:A3');
    expect(() => sheet.mergeCells('A2:B2')).toThrow('Cannot merge already merged cells');
    sheet.unMergeCells('A1');
    sheet.mergeCells('A2:B2'); // free again after the unmerge

    const big = workbook.addWorksheet('big');
    for (let i = 0; i < 20_000; i++) {
      big.getCell(i * 3 + 1, 1).value = `block ${i}`;
      big.mergeCells(i * 3 + 1, 1, i * 3 + 3, 1);
    }
    const buffer = await workbook.xlsx.writeBuffer();
    const loaded = new ExcelJS.Workbook();
    await loaded.xlsx.load(buffer);
    const sheet2 = loaded.getWorksheet('big')!;
    expect(sheet2.getCell(59_999, 1).value).toBe('block 19999');
    expect(sheet2.getCell(60_000, 1).value).toBe('block 19999');
    // 20,000 merges written and read back: a few seconds alone, far longer when the suite's other workers share the 2 cores.
  }, 120_000);
});
