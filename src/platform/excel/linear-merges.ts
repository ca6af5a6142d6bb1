import { createRequire } from 'node:module';

/**
 * exceljs checks every new merged range against all earlier ones (`_mergeCellsInternal`), so loading a
 * sheet with n merges costs O(n²): an annex-4 catalog of 10,000 resources, with its resource-level
 * cells merged down over ~180,000 ranges, would take hours. This replaces that check with a per-sheet
 * index of merged cells (O(cells of the new range)), keeping the same behaviour: overlapping merges
 * still throw 'Cannot merge already merged cells'. Loaded once, for every workbook in the process.
 */
interface Range { top: number; left: number; bottom: number; right: number }
interface Cell { address: string; merge(master: Cell, ignoreStyle?: boolean): void }
interface WorksheetInternals {
  _merges: Record<string, Range>;
  getCell(row: number, col: number): Cell;
}

const require = createRequire(import.meta.url);
const Worksheet = require('exceljs/lib/doc/worksheet.js') as { prototype: WorksheetInternals & { _mergeCellsInternal?: unknown } };

/** Per sheet: "row:col" of every cell inside a merge → the master address of that merge. */
const mergedCells = new WeakMap<WorksheetInternals, Map<string, string>>();

function mergeCellsLinear(this: WorksheetInternals, dimensions: Range, ignoreStyle?: boolean): void {
  let index = mergedCells.get(this);
  if (!index) {
    index = new Map();
    mergedCells.set(this, index);
    for (const [master, range] of Object.entries(this._merges)) {
      for (let r = range.top; r <= range.bottom; r++) for (let c = range.left; c <= range.right; c++) index.set(`${r}:${c}`, master);
    }
  }
  for (let r = dimensions.top; r <= dimensions.bottom; r++) {
    for (let c = dimensions.left; c <= dimensions.right; c++) {
      const master = index.get(`${r}:${c}`);
      // A stale entry (the merge was undone since) does not count.
      if (master !== undefined && this._merges[master]) throw new Error('Cannot merge already merged cells');
    }
  }
  const master = this.getCell(dimensions.top, dimensions.left);
  for (let r = dimensions.top; r <= dimensions.bottom; r++) {
    for (let c = dimensions.left; c <= dimensions.right; c++) {
      if (r > dimensions.top || c > dimensions.left) this.getCell(r, c).merge(master, ignoreStyle);
      index.set(`${r}:${c}`, master.address);
    }
  }
  this._merges[master.address] = dimensions as Range;
}

if (typeof Worksheet.prototype._mergeCellsInternal !== 'function') {
  throw new Error('exceljs changed: Worksheet._mergeCellsInternal is gone; review src/platform/excel/linear-merges.ts');
}
Worksheet.prototype._mergeCellsInternal = mergeCellsLinear;
