import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Readable } from 'node:stream';
import type { Database } from '../../../platform/db/database.js';
import { DomainError, forbidden } from '../../../platform/errors.js';
import { recordAuditEvent, type AuditContext } from '../../audit/index.js';
import { catalogResourceLookup, publishedDataResource, type PublishedDataResource } from '../../catalog/index.js';
import type { Actor } from '../../identity/identity.policy.js';
import { resourceKindOf } from '../resource-kinds.js';
import { canManageDatastore, canReadDatastore } from './datastore.policy.js';
import { datastoreRepository, type LoadRow } from './datastore.repository.js';
import { columnDefinitions, invalidateLayout, qualified, readLayout, safeColumn, sqlTypeOf, tableNameOf } from './datastore-schema.js';
import type { DatastoreView, LoadError, LoadFormat, LoadMode, LoadView } from './datastore.types.js';
import { runLoad, type LoadProgress } from './load.service.js';

export type { DatastoreView, LoadView };

export interface LoadInput {
  mode: LoadMode;
  /** Absent: taken from the file name. */
  format?: LoadFormat;
  filename: string | null;
  stream: Readable;
  /** Chosen by the client so it can poll progress while uploading. */
  loadId?: string;
  /** Expected size when known (Content-Length), shown while running. */
  bytes?: number;
}

/** Key item types a primary key may not use. */
const UNKEYABLE_TYPES = new Set(['G']);
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function formatOf(filename: string | null, explicit?: string): LoadFormat {
  if (explicit === 'csv' || explicit === 'xlsx' || explicit === 'jsonl') return explicit;
  const ext = (filename ?? '').toLowerCase().split('.').pop();
  if (ext === 'csv' || ext === 'txt') return 'csv';
  if (ext === 'xlsx') return 'xlsx';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  throw new DomainError('DATA_LOAD_INVALID', 'Send a .csv, .xlsx or .jsonl file, or say format=csv|xlsx|jsonl (文件格式应为 CSV、XLSX 或 JSON lines).', { field: 'format' });
}

/**
 * The datastore (数据存储) of published 库表 resources: definition of the key and columns, loads and
 * their history. `actor` null is the operator at the command line (`govshare data load`).
 */
export function createDatastoreService(deps: { db: Database; now?: () => Date }) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const progress = new Map<string, LoadProgress>();
  // One definition or load per resource at a time in this process; the store row's lock covers the swaps.
  const queues = new Map<string, Promise<unknown>>();
  const serialised = <T>(resourceId: string, run: () => Promise<T>): Promise<T> => {
    const previous = queues.get(resourceId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(run);
    queues.set(resourceId, next);
    void next.catch(() => undefined).finally(() => { if (queues.get(resourceId) === next) queues.delete(resourceId); });
    return next;
  };

  async function tableResource(ref: { id: string } | { code: string }): Promise<PublishedDataResource> {
    const resource = 'id' in ref && !/^[0-9a-f-]{36}$/i.test(ref.id) ? null : await publishedDataResource(db, ref);
    if (!resource) throw new DomainError('DATA_RESOURCE_NOT_FOUND', 'No published resource with this id or code (资源不存在或未发布).');
    return resource;
  }

  function requireTable(resource: PublishedDataResource): void {
    if (resourceKindOf(resource.formatClass) !== 'table') {
      throw new DomainError('DATA_KIND_MISMATCH', `This resource is not a 库表 resource (format class ${resource.formatClass}) (非库表类资源，不能建立数据存储).`);
    }
  }

  async function view(resource: PublishedDataResource): Promise<DatastoreView> {
    const store = await datastoreRepository(db).store(resource.id);
    const layout = store ? await readLayout(db, resource.id) : null;
    const columns = layout?.columns ?? [];
    return {
      resourceId: resource.id, resourceCode: resource.code, resourceName: resource.name, kind: resourceKindOf(resource.formatClass),
      exists: Boolean(store), tableName: layout?.table ?? null, keyItems: store?.key_items ?? [], rowCount: Number(store?.row_count ?? 0),
      lastLoadedAt: iso(store?.last_loaded_at ?? null), columns,
      pendingItems: resource.items.filter((i) => !columns.some((c) => c.item === i.name)).map((i) => i.name),
    };
  }

  function loadView(row: LoadRow): LoadView {
    const live = row.status === 'running' ? progress.get(row.id) : undefined;
    return {
      id: row.id, resourceId: row.resource_id, mode: row.mode, format: row.format, filename: row.filename, status: row.status,
      bytes: Number(row.bytes), bytesRead: live ? live.bytesRead : row.status === 'running' ? 0 : Number(row.bytes),
      totalRows: live ? live.totalRows : Number(row.total_rows), loaded: Number(row.loaded), failed: live ? live.failed : Number(row.failed),
      errors: row.errors, message: row.message, startedBy: row.started_by_username, startedAt: iso(row.started_at)!, finishedAt: iso(row.finished_at),
    };
  }

  async function define(actor: Actor, ctx: AuditContext, resourceId: string, input: { keyItems: string[] }): Promise<DatastoreView> {
    const resource = await tableResource({ id: resourceId });
    if (!canManageDatastore(actor, resource.providerOrgId)) throw forbidden('Only the provider department\'s admin or the platform admin may define the datastore (仅资源提供部门管理员或平台管理员可定义数据存储).');
    requireTable(resource);
    const keyItems = input.keyItems.map((k) => k.trim());
    if (keyItems.length === 0 || new Set(keyItems).size !== keyItems.length) {
      throw new DomainError('DATASTORE_INVALID', 'Name one or more different key items (请指定主键数据项，且不能重复).', { field: 'keyItems' });
    }
    for (const key of keyItems) {
      const item = resource.items.find((i) => i.name === key);
      if (!item) throw new DomainError('DATASTORE_INVALID', `"${key}" is not an item of the published version (主键“${key}”不是已发布版本的数据项).`, { field: 'keyItems', item: key });
      if (UNKEYABLE_TYPES.has(item.dataType)) throw new DomainError('DATASTORE_INVALID', `"${key}" is of type G and cannot be a key (通用型数据项“${key}”不能作为主键).`, { field: 'keyItems', item: key });
    }
    await serialised(resource.id, () => db.transaction().execute(async (trx) => {
      const repo = datastoreRepository(trx);
      const at = now();
      const name = tableNameOf(resource.id);
      const table = qualified(name);
      const store = await repo.lockStore(resource.id);
      let added: string[] = [];
      if (!store) {
        const columns = resource.items.map((item, i) => ({ item: item.name, column: `c_${i + 1}`, dataType: item.dataType, length: item.length, position: i + 1 }));
        const keys = keyItems.map((k) => columns.find((c) => c.item === k)!.column);
        await sql.raw(`create table ${table} (${columnDefinitions(columns)}, constraint ${name}_pkey primary key (${keys.join(', ')}))`).execute(trx);
        await repo.insertStore({ resourceId: resource.id, tableName: name, keyItems, now: at });
        await repo.insertColumns(resource.id, columns, at);
        added = columns.map((c) => c.item);
      } else {
        const layout = (await readLayout(trx, resource.id))!;
        let next = layout.columns.reduce((max, c) => Math.max(max, Number(c.column.slice(2))), 0);
        const fresh = resource.items.filter((i) => !layout.columns.some((c) => c.item === i.name))
          .map((item) => ({ item: item.name, column: `c_${++next}`, dataType: item.dataType, length: item.length, position: next }));
        for (const c of fresh) await sql.raw(`alter table ${table} add column ${safeColumn(c.column)} ${sqlTypeOf(c.dataType)}`).execute(trx);
        await repo.insertColumns(resource.id, fresh, at);
        added = fresh.map((c) => c.item);
        const all = [...layout.columns, ...fresh];
        if (JSON.stringify(layout.keyItems) !== JSON.stringify(keyItems)) {
          const hasRows = await sql.raw<{ any: boolean }>(`select exists (select 1 from ${table}) as any`).execute(trx);
          if (hasRows.rows[0]?.any) {
            throw new DomainError('DATASTORE_KEY_LOCKED', `The key cannot change while the datastore holds rows (数据存储已有数据，主键“${layout.keyItems.join('、')}”不能更改).`, { keyItems: layout.keyItems });
          }
          const keys = keyItems.map((k) => safeColumn(all.find((c) => c.item === k)!.column));
          await sql.raw(`alter table ${table} drop constraint if exists ${name}_pkey`).execute(trx);
          await sql.raw(`alter table ${table} add constraint ${name}_pkey primary key (${keys.join(', ')})`).execute(trx);
        }
        await repo.updateStore(resource.id, { keyItems, now: at });
      }
      await recordAuditEvent(trx, ctx, {
        action: 'data.datastore_defined', targetType: 'resource', targetId: resource.id,
        detail: { code: resource.code, versionNo: resource.versionNo, keyItems, addedItems: added },
      }, at);
    }));
    invalidateLayout(db, resource.id);
    return view(resource);
  }

  async function load(actor: Actor | null, ctx: AuditContext, ref: { id: string } | { code: string }, input: LoadInput): Promise<LoadView> {
    const resource = await tableResource(ref);
    if (actor && !canManageDatastore(actor, resource.providerOrgId)) throw forbidden('Only the provider department\'s admin or the platform admin may load data (仅资源提供部门管理员或平台管理员可装载数据).');
    requireTable(resource);
    const format = formatOf(input.filename, input.format);
    const layout = await readLayout(db, resource.id);
    if (!layout) throw new DomainError('DATASTORE_NOT_FOUND', 'Define the datastore (its key) before loading (请先定义数据存储的主键).');
    if (input.loadId && await datastoreRepository(db).load(input.loadId)) {
      throw new DomainError('VALIDATION_FAILED', 'This loadId is already used (装载编号已存在).', { field: 'loadId' });
    }
    const repo = datastoreRepository(db);
    const loadId = await repo.insertLoad({
      id: input.loadId ?? randomUUID(), resourceId: resource.id, mode: input.mode, format, filename: input.filename, bytes: input.bytes ?? 0,
      startedBy: ctx.actor?.userId ?? null, startedByUsername: ctx.actor?.username ?? (actor ? actor.username : 'cli'), now: now(),
    });
    const live: LoadProgress = { bytesRead: 0, totalRows: 0, failed: 0 };
    progress.set(loadId, live);
    try {
      await serialised(resource.id, async () => {
        const current = (await readLayout(db, resource.id)) ?? layout;
        let outcome;
        try {
          outcome = await runLoad(db, current, { loadId, resourceId: resource.id, mode: input.mode, format, stream: input.stream, ctx, progress: live }, now);
        } catch (error) {
          const message = error instanceof DomainError ? error.message : String(error);
          await finishFailed(ctx, loadId, resource.id, { totalRows: live.totalRows, failed: live.failed, errors: [], message, bytes: live.bytesRead });
          throw error;
        }
        if (outcome.status === 'failed') await finishFailed(ctx, loadId, resource.id, outcome);
      });
    } finally {
      progress.delete(loadId);
    }
    return loadView((await repo.load(loadId))!);
  }

  async function finishFailed(ctx: AuditContext, loadId: string, resourceId: string, o: { totalRows: number; failed: number; errors: LoadError[]; message: string | null; bytes: number }) {
    await db.transaction().execute(async (trx) => {
      await datastoreRepository(trx).finishLoad(loadId, { status: 'failed', bytes: o.bytes, totalRows: o.totalRows, loaded: 0, failed: o.failed, errors: o.errors, message: o.message, now: now() });
      await recordAuditEvent(trx, ctx, {
        action: 'data.load_failed', targetType: 'resource', targetId: resourceId, detail: { loadId, rows: o.totalRows, failed: o.failed },
      }, now());
    });
  }

  async function readable(actor: Actor, resourceId: string): Promise<PublishedDataResource> {
    const resource = await tableResource({ id: resourceId });
    if (!canReadDatastore(actor, resource.providerOrgId)) throw forbidden('Only the provider department and the platform admin may see this datastore (仅资源提供部门和平台管理员可查看数据存储).');
    return resource;
  }

  return {
    /** GET /resources/:id/datastore */
    async get(actor: Actor, resourceId: string): Promise<DatastoreView> {
      return view(await readable(actor, resourceId));
    },
    define,
    load,
    async loads(actor: Actor, resourceId: string): Promise<{ items: LoadView[] }> {
      const resource = await readable(actor, resourceId);
      return { items: (await datastoreRepository(db).loads(resource.id)).map(loadView) };
    },
    /** Live counters of a load running in this process (the command line's progress). */
    progressOf(loadId: string): LoadProgress | undefined {
      return progress.get(loadId);
    },
    async getLoad(actor: Actor, loadId: string): Promise<LoadView> {
      const row = /^[0-9a-f-]{36}$/i.test(loadId) ? await datastoreRepository(db).load(loadId) : undefined;
      if (!row) throw new DomainError('DATA_LOAD_NOT_FOUND', 'No such load (装载记录不存在).');
      const [ref] = await catalogResourceLookup.byIds(db, [row.resource_id]);
      if (!ref || !canReadDatastore(actor, ref.providerOrgId)) throw new DomainError('DATA_LOAD_NOT_FOUND', 'No such load (装载记录不存在).');
      return loadView(row);
    },
  };
}

export type DatastoreService = ReturnType<typeof createDatastoreService>;
