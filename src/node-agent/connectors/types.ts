// Connector contract between the node agent core (publisher/subscriber) and the database/CSV connectors.
// Values travel as COPY text lines (see src/modules/exchange/protocol/copy-text.ts) so rows never need
// per-field objects on the hot path.

export interface ExtractPlan {
  /** One of table / query is set. */
  table: string | null;
  query: string | null;
  /** Source columns in batch order (TaskConfig.columns[].column). */
  columns: string[];
  /** Item type letters per column (C,N,I,D,T,L,...) for value rendering. */
  dataTypes: string[];
  /** Source columns of the key items. */
  keyColumns: string[];
  mode: 'incremental' | 'full';
  watermarkColumn: string | null;
  /** Incremental resume point. */
  after: { value: string; inclusive: boolean } | null;
  softDeleteColumn: string | null;
  batchRows: number;
}

interface ExtractChunkBase {
  /** COPY text lines of key fields (soft-deleted rows). */
  deletes: string[];
  /** Full mode: the key line of every upsert row (for disappeared-row detection). */
  keys: string[] | null;
  /** Watermark text of the last row in this chunk. */
  watermark: string | null;
}

/**
 * A chunk's upserts come either as lines (strings) or, from sources that read COPY text bytes (PostgreSQL), as the
 * raw upsert section: `upsertBytes` holds the COPY text of the batch columns with every line \n-terminated,
 * `upserts` is then empty and `upsertCount` counts the rows. Read them with upsertCountOf / upsertLinesOf
 * (common.ts).
 */
export type ExtractChunk = ExtractChunkBase & (
  | {
    /** COPY text lines (no trailing \n), fields in plan.columns order. */
    upserts: string[];
    upsertBytes?: undefined;
    upsertCount?: undefined;
  }
  | {
    upserts: [];
    /** COPY text section (lines terminated by \n), fields in plan.columns order. */
    upsertBytes: Buffer;
    upsertCount: number;
  }
);

export interface SourceFile {
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
}

export interface SourceConnector {
  readonly type: 'postgres' | 'mysql' | 'csv';
  /** Rows in watermark order (incremental) or key order (full), chunks of ≤ batchRows rows. */
  extract(plan: ExtractPlan): AsyncIterable<ExtractChunk>;
  /** change_log delete mode: key lines of rows with op 'D' and change_id > afterId, ordered; and the last change_id seen. */
  changeLogDeletes(q: {
    table: string;
    keyColumns: string[];
    afterId: string | null;
    limit: number;
  }): Promise<{ deletes: string[]; lastId: string | null }>;
  /** Count and canonical checksum (createRowChecksum from protocol/copy-text.ts) over the plan's columns. */
  checksum(plan: ExtractPlan): Promise<{ count: number; checksum: string }>;
  /** File tasks (csv type only): files matching a glob in a directory. */
  listFiles?(dir: string, pattern: string): Promise<SourceFile[]>;
  close(): Promise<void>;
}

export interface ApplyInput {
  subscriptionId: string;
  seq: number;
  batchId: string;
  sourceBatchId: string | null;
  /** Target table (or directory for files). */
  table: string;
  /** Target columns in the delivered batch's column order (null entry = drop that field). */
  columns: (string | null)[];
  dataTypes: string[];
  keyColumns: string[];
  /** COPY text sections (lines terminated by \n). */
  upserts: Buffer;
  deletes: Buffer;
  records: number;
  file?: { name: string; bytes: Buffer } | null;
}

export interface TargetConnector {
  readonly type: 'postgres' | 'mysql' | 'csv';
  /** Creates the ledger govshare_applied_batches if missing. */
  ensureLedger(): Promise<void>;
  /** Highest seq applied for the subscription (0 if none), read from the ledger in the target. */
  lastApplied(subscriptionId: string): Promise<number>;
  /** Upsert by key + deletes + ledger row in ONE transaction; 'duplicate' if the ledger already has batchId or a seq ≥ this. */
  apply(input: ApplyInput): Promise<'applied' | 'duplicate'>;
  checksum(q: { table: string; columns: string[]; dataTypes: string[] }): Promise<{ count: number; checksum: string }>;
  close(): Promise<void>;
}

export type EndpointType = 'postgres' | 'mysql' | 'csv';

export type EndpointConfig =
  | { type: 'postgres'; url: string }
  | { type: 'mysql'; url: string }
  | { type: 'csv'; dir: string };

export type OpenSource = (cfg: EndpointConfig) => Promise<SourceConnector>;
export type OpenTarget = (cfg: EndpointConfig) => Promise<TargetConnector>;
