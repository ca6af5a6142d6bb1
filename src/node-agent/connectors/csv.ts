/**
 * CSV directory source and target. Source: `<dir>/<table>.csv` with a header row; full extraction (or an
 * incremental filter on a watermark column), and the file listing of file tasks. Target: every batch becomes
 * `<dir>/<table>/<seq>-<batchId>.csv` (+ `.deletes.csv`), written atomically, and a ledger
 * `<dir>/<table>/.govshare-applied.jsonl` appended after the data file is in place — a data file whose ledger
 * line is missing is simply rewritten on redelivery, so applying is idempotent.
 */
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { canonicalValue, copyText, createRowChecksum, iterateCopyLines, splitCopyLine, unescapeCopy } from '../../modules/exchange/protocol/copy-text.js';
import { batchRowsOf, ChunkBuilder, mappedColumns } from './common.js';
import { appendDurable, csvLine, readCsv, writeFileAtomic } from './csv-format.js';
import type { ApplyInput, ExtractChunk, ExtractPlan, SourceConnector, SourceFile, TargetConnector } from './types.js';

const LEDGER_FILE = '.govshare-applied.jsonl';
const TRUE_WORDS = new Set(['t', 'true', '1', 'y', 'yes', 'on', '是']);

/** A table or file name used as a path component: no separators, no `..`, nothing hidden. */
function safeName(name: string, what: string): string {
  const n = name.trim();
  if (n === '' || n === '.' || n === '..' || /[/\\\0]/.test(n) || n.startsWith('.')) throw new Error(`${what}名称无效：${name}`);
  return n;
}

/** A cell as COPY-text value by item type (booleans normalised to t/f; everything else as written). */
function cellValue(dataType: string, cell: string | null): string | null {
  if (cell === null) return null;
  if (dataType === 'L') return canonicalValue('L', cell);
  return cell;
}

/** Watermark order: numeric when both are numbers, instants when both are dates/times, else text. */
function compareWatermark(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  const ta = canonicalValue('T', a)!;
  const tb = canonicalValue('T', b)!;
  if (ta.endsWith('Z') && tb.endsWith('Z')) return ta < tb ? -1 : ta > tb ? 1 : 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

function globRegex(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

export class CsvSource implements SourceConnector {
  readonly type = 'csv' as const;
  constructor(private readonly dir: string) {}

  private async *rows(plan: ExtractPlan, extra: string[]): AsyncGenerator<{ values: (string | null)[]; extra: (string | null)[] }> {
    if (plan.query) throw new Error('CSV 数据源不支持查询语句，请配置文件名（表名）');
    const table = safeName(plan.table ?? '', '表');
    const path = join(this.dir, table.endsWith('.csv') ? table : `${table}.csv`);
    let indexes: number[] | null = null;
    let extraIndexes: number[] = [];
    for await (const record of readCsv(path)) {
      if (indexes === null) {
        const header = record.map((h) => (h ?? '').trim());
        const find = (c: string) => {
          const i = header.indexOf(c);
          if (i < 0) throw new Error(`CSV 文件 ${basename(path)} 缺少列：${c}`);
          return i;
        };
        indexes = plan.columns.map(find);
        extraIndexes = extra.map(find);
        continue;
      }
      yield { values: indexes.map((i) => record[i] ?? null), extra: extraIndexes.map((i) => record[i] ?? null) };
    }
  }

  async *extract(plan: ExtractPlan): AsyncGenerator<ExtractChunk> {
    const full = plan.mode === 'full';
    const wmColumn = plan.mode === 'incremental' && plan.watermarkColumn ? plan.watermarkColumn : null;
    const extra = [...plan.keyColumns, plan.softDeleteColumn ?? '', wmColumn ?? ''].filter((c) => c !== '');
    const nk = plan.keyColumns.length;
    const sdAt = plan.softDeleteColumn ? nk : -1;
    const builder = new ChunkBuilder(batchRowsOf(plan), full);
    const keyTypes = plan.keyColumns.map((k) => plan.dataTypes[plan.columns.indexOf(k)] ?? 'C');
    const render = (row: { values: (string | null)[]; extra: (string | null)[] }) => {
      const line = row.values.map((v, i) => copyText(cellValue(plan.dataTypes[i] ?? 'C', v))).join('\t');
      const key = row.extra.slice(0, nk).map((v, i) => copyText(cellValue(keyTypes[i]!, v))).join('\t');
      const flag = sdAt >= 0 ? row.extra[sdAt] : null;
      return { line, key, deleted: flag !== null && flag !== undefined && TRUE_WORDS.has(flag.trim().toLowerCase()) };
    };
    const add = (row: { values: (string | null)[]; extra: (string | null)[] }) => {
      const r = render(row);
      if (r.deleted) builder.deletes.push(r.key);
      else {
        builder.upserts.push(r.line);
        if (full) builder.keys!.push(r.key);
      }
    };
    if (!wmColumn) {
      for await (const row of this.rows(plan, extra)) {
        add(row);
        if (builder.full) yield builder.take();
      }
    } else {
      // A file has no index: keep the rows past the resume point and sort them by watermark.
      const picked: { row: { values: (string | null)[]; extra: (string | null)[] }; wm: string }[] = [];
      for await (const row of this.rows(plan, extra)) {
        const wm = row.extra[row.extra.length - 1] ?? null;
        if (wm === null) continue;
        if (plan.after) {
          const c = compareWatermark(wm, plan.after.value);
          if (c < 0 || (c === 0 && !plan.after.inclusive)) continue;
        }
        picked.push({ row, wm });
      }
      picked.sort((a, b) => compareWatermark(a.wm, b.wm));
      for (const { row, wm } of picked) {
        add(row);
        builder.watermark = wm;
        if (builder.full) yield builder.take();
      }
    }
    if (builder.size > 0) yield builder.take();
  }

  async changeLogDeletes(): Promise<{ deletes: string[]; lastId: string | null }> {
    throw new Error('CSV 数据源不支持变更日志删除');
  }

  async checksum(plan: ExtractPlan): Promise<{ count: number; checksum: string }> {
    const sum = createRowChecksum(plan.dataTypes);
    const extra = plan.softDeleteColumn ? [plan.softDeleteColumn] : [];
    for await (const row of this.rows(plan, extra)) {
      const flag = row.extra[0];
      if (flag !== null && flag !== undefined && TRUE_WORDS.has(flag.trim().toLowerCase())) continue;
      sum.add(row.values.map((v, i) => cellValue(plan.dataTypes[i] ?? 'C', v)));
    }
    return { count: sum.count, checksum: sum.checksum() };
  }

  async listFiles(dir: string, pattern: string): Promise<SourceFile[]> {
    const base = isAbsolute(dir) ? dir : resolve(this.dir, dir);
    const re = globRegex(pattern || '*');
    const out: SourceFile[] = [];
    for (const entry of await readdir(base, { withFileTypes: true })) {
      if (!entry.isFile() || entry.name.startsWith('.') || entry.name.endsWith('.tmp') || !re.test(entry.name)) continue;
      const path = join(base, entry.name);
      const st = await stat(path);
      out.push({ name: entry.name, path, size: st.size, mtimeMs: st.mtimeMs });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async close(): Promise<void> {}
}

interface LedgerEntry {
  batchId: string;
  subscriptionId: string;
  seq: number;
  sourceBatchId: string | null;
  records: number;
  appliedAt: string;
  /** Data file (rows) or delivered file name. */
  file: string;
  kind: 'rows' | 'file';
  keyColumns: string[];
  deletesFile: string | null;
}

export class CsvTarget implements TargetConnector {
  readonly type = 'csv' as const;
  private ledger: Map<string, LedgerEntry[]> | null = null;
  /** Applies run one at a time (the ledger is a file). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dir: string) {}

  async ensureLedger(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  /** Every table directory's ledger, read once and then kept up to date in memory. */
  private async entries(): Promise<Map<string, LedgerEntry[]>> {
    if (this.ledger) return this.ledger;
    const map = new Map<string, LedgerEntry[]>();
    let dirs: string[] = [];
    try {
      dirs = (await readdir(this.dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      dirs = [];
    }
    for (const table of dirs) {
      let text = '';
      try {
        text = await readFile(join(this.dir, table, LEDGER_FILE), 'utf8');
      } catch {
        continue;
      }
      // A torn last line (crash mid-append) is ignored: that batch is simply applied again.
      const list = text.split('\n').filter((l) => l.trim() !== '').flatMap((l) => {
        try {
          return [JSON.parse(l) as LedgerEntry];
        } catch {
          return [];
        }
      });
      map.set(table, list);
    }
    this.ledger = map;
    return map;
  }

  async lastApplied(subscriptionId: string): Promise<number> {
    let max = 0;
    for (const list of (await this.entries()).values()) for (const e of list) if (e.subscriptionId === subscriptionId && e.seq > max) max = e.seq;
    return max;
  }

  apply(input: ApplyInput): Promise<'applied' | 'duplicate'> {
    const run = this.queue.then(() => this.applyNow(input));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async applyNow(input: ApplyInput): Promise<'applied' | 'duplicate'> {
    const all = await this.entries();
    for (const list of all.values()) {
      if (list.some((e) => e.batchId === input.batchId || (e.subscriptionId === input.subscriptionId && e.seq >= input.seq))) return 'duplicate';
    }
    const table = safeName(input.table, '目标目录');
    const tableDir = join(this.dir, table);
    const stem = `${String(input.seq).padStart(12, '0')}-${safeName(input.batchId, '批次')}`;
    let entry: LedgerEntry;
    if (input.file) {
      const name = safeName(basename(input.file.name), '文件');
      await writeFileAtomic(join(tableDir, name), input.file.bytes);
      entry = { ...this.entryBase(input), file: name, kind: 'file', keyColumns: [], deletesFile: null };
    } else {
      const { keep, cols } = mappedColumns(input.columns);
      let text = csvLine(cols);
      for (const line of iterateCopyLines(input.upserts)) {
        const fields = splitCopyLine(line);
        text += csvLine(keep.map((i) => unescapeCopy(fields[i] ?? '\\N')));
      }
      await writeFileAtomic(join(tableDir, `${stem}.csv`), text);
      let deletesFile: string | null = null;
      if (input.deletes.length > 0) {
        let del = csvLine(input.keyColumns);
        for (const line of iterateCopyLines(input.deletes)) del += csvLine(splitCopyLine(line).map(unescapeCopy));
        deletesFile = `${stem}.deletes.csv`;
        await writeFileAtomic(join(tableDir, deletesFile), del);
      }
      entry = { ...this.entryBase(input), file: `${stem}.csv`, kind: 'rows', keyColumns: input.keyColumns, deletesFile };
    }
    await appendDurable(join(tableDir, LEDGER_FILE), `${JSON.stringify(entry)}\n`);
    const list = all.get(table) ?? [];
    list.push(entry);
    all.set(table, list);
    return 'applied';
  }

  private entryBase(input: ApplyInput) {
    return {
      batchId: input.batchId,
      subscriptionId: input.subscriptionId,
      seq: input.seq,
      sourceBatchId: input.sourceBatchId,
      records: input.records,
      appliedAt: new Date().toISOString(),
    };
  }

  /** Replays the table's batches in ledger order (upserts by key, then deletes) and sums the final rows. */
  async checksum(q: { table: string; columns: string[]; dataTypes: string[] }): Promise<{ count: number; checksum: string }> {
    const table = safeName(q.table, '目标目录');
    const list = ((await this.entries()).get(table) ?? []).filter((e) => e.kind === 'rows').sort((a, b) => a.seq - b.seq);
    const rows = new Map<string, Map<string, string | null>>();
    for (const e of list) {
      let header: string[] | null = null;
      for await (const record of readCsv(join(this.dir, table, e.file))) {
        if (!header) {
          header = record.map((h) => h ?? '');
          continue;
        }
        const row = new Map<string, string | null>();
        header.forEach((h, i) => row.set(h, record[i] ?? null));
        rows.set(JSON.stringify(e.keyColumns.map((k) => row.get(k) ?? null)), row);
      }
      if (e.deletesFile) {
        let first = true;
        for await (const record of readCsv(join(this.dir, table, e.deletesFile))) {
          if (first) {
            first = false;
            continue;
          }
          rows.delete(JSON.stringify(record));
        }
      }
    }
    const sum = createRowChecksum(q.dataTypes);
    for (const row of rows.values()) sum.add(q.columns.map((c) => row.get(c) ?? null));
    return { count: sum.count, checksum: sum.checksum() };
  }

  async close(): Promise<void> {
    await this.queue;
  }
}
