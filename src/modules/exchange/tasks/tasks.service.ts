/**
 * Publish tasks (发布任务): a provider department binds one of its published 库表/文件 resources to a source on
 * one of its approved nodes. The node fetches the task in its signed config and pushes batches; 立即执行 sets
 * run_requested_at, which the node sees in its next config fetch.
 */
import { recordAuditEvent, type AuditContext } from '../../audit/index.js';
import { readLayout } from '../../data-services/datastore/datastore-schema.js';
import { resourceKindOf } from '../../data-services/resource-kinds.js';
import type { Actor } from '../../identity/identity.policy.js';
import type { Database } from '../../../platform/db/database.js';
import { DomainError, forbidden } from '../../../platform/errors.js';
import type { DeleteMode, ExtractMode, ScheduleKind, TaskKind, TaskView } from '../flows.types.js';
import { canManageTask, canReadAllFlows, canSeeTask, isDepartmentAdmin, isDepartmentMember } from './tasks.policy.js';
import { tasksRepository, type TaskRow } from './tasks.repository.js';
import {
  endpointsOf, invalid, normaliseColumnMap, requireCron, requireEndpoint, requireGlob, requireIdentifier, requireRange, requireRelativeDir, requireSelect,
} from './tasks.validation.js';
import { toTaskView } from './tasks.views.js';

export interface TaskInput {
  resourceId: string;
  nodeId: string;
  sourceName: string;
  sourceTable?: string | null;
  sourceQuery?: string | null;
  columnMap?: Record<string, string>;
  mode: ExtractMode;
  watermarkColumn?: string | null;
  deleteMode?: DeleteMode;
  softDeleteColumn?: string | null;
  changeLogTable?: string | null;
  scheduleKind: ScheduleKind;
  cron?: string | null;
  intervalSeconds?: number | null;
  batchRows?: number;
  filePattern?: string | null;
}

/** PUT: everything but the resource (a different resourceId is refused). */
export type TaskUpdate = Omit<TaskInput, 'resourceId'> & { resourceId?: string };

export const DEFAULT_BATCH_ROWS = 50_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const notFound = (id: string) => new DomainError('TASK_NOT_FOUND', `Publish task ${id} does not exist (发布任务不存在).`);

/** The task's columns as stored, after every check; the caller adds the bookkeeping columns. */
interface CheckedTask {
  node_id: string; kind: TaskKind; source_name: string; source_table: string | null; source_query: string | null;
  column_map: string; key_items: string; mode: ExtractMode; watermark_column: string | null; delete_mode: DeleteMode;
  soft_delete_column: string | null; change_log_table: string | null; schedule_kind: ScheduleKind; cron: string | null;
  interval_seconds: number | null; batch_rows: number; file_pattern: string | null;
}

/** Checks a task's configuration against its resource, the node and the node's reported endpoints. */
async function checkTask(trx: Database, orgId: string, resourceId: string, input: Omit<TaskInput, 'resourceId'>): Promise<CheckedTask> {
  const repo = tasksRepository(trx);
  const resource = UUID.test(resourceId) ? await repo.resource(resourceId) : undefined;
  if (!resource || resource.provider_org_id !== orgId || resource.status !== 'published' || !resource.published_version_id || !resource.format_class) {
    throw invalid('resourceId', 'resourceId must be a published resource of your department (只能为本部门已发布的资源创建发布任务).');
  }
  const kind = resourceKindOf(resource.format_class);
  if (kind === 'api') throw invalid('resourceId', 'Only 库表 and 文件 resources are exchanged; 接口 resources are served by the proxy (只能为库表或文件类资源创建发布任务).');

  const node = UUID.test(input.nodeId) ? await repo.node(input.nodeId) : undefined;
  if (!node || node.org_id !== orgId) throw invalid('nodeId', 'nodeId must be a node of your department (请选择本部门的前置机).');
  if (node.status !== 'approved') throw invalid('nodeId', `The node is ${node.status}; only approved nodes run tasks (前置机“${node.name}”未获批准或已注销).`);
  const endpoints = endpointsOf(node.last_endpoints);

  if (kind === 'file') {
    return {
      node_id: node.id, kind, source_name: requireEndpoint('sourceName', input.sourceName, endpoints, 'source', 'csv'),
      source_table: requireRelativeDir('sourceTable', input.sourceTable, '源目录'), source_query: null, column_map: '{}', key_items: '[]',
      mode: input.mode, watermark_column: null, delete_mode: 'none', soft_delete_column: null, change_log_table: null,
      ...schedule(input), file_pattern: requireGlob('filePattern', input.filePattern),
    };
  }

  const layout = await readLayout(trx, resource.id);
  if (!layout) throw invalid('resourceId', 'The resource has no datastore yet; define its key first (该资源尚未定义数据存储，请先在“数据存储”中设置主键).');
  const sourceName = requireEndpoint('sourceName', input.sourceName, endpoints, 'source');
  const table = (input.sourceTable ?? '').trim();
  const query = (input.sourceQuery ?? '').trim();
  if ((table === '') === (query === '')) throw invalid('sourceTable', 'Give exactly one of sourceTable and sourceQuery (源表和查询语句须且只能填写一项).');
  const items = await repo.items(resource.published_version_id);
  const columnMap = normaliseColumnMap('columnMap', input.columnMap);
  const unknown = Object.keys(columnMap).filter((item) => !items.includes(item));
  if (unknown.length) throw invalid('columnMap', `Not items of the published resource: ${unknown.join(', ')} (以下不是该资源已发布的数据项：${unknown.join('、')}).`);
  const missingKeys = layout.keyItems.filter((k) => !(k in columnMap));
  if (missingKeys.length) throw invalid('columnMap', `Every key item must be mapped: ${missingKeys.join(', ')} (主键数据项必须映射源字段：${missingKeys.join('、')}).`);

  const mode = input.mode;
  const deleteMode = input.deleteMode ?? 'none';
  return {
    node_id: node.id, kind, source_name: sourceName,
    source_table: table ? requireIdentifier('sourceTable', table, '源表') : null,
    source_query: query ? requireSelect('sourceQuery', query) : null,
    column_map: JSON.stringify(columnMap), key_items: JSON.stringify(layout.keyItems), mode,
    watermark_column: mode === 'incremental' ? requireIdentifier('watermarkColumn', input.watermarkColumn, '增量标识字段') : null,
    delete_mode: deleteMode,
    soft_delete_column: deleteMode === 'soft_delete' ? requireIdentifier('softDeleteColumn', input.softDeleteColumn, '逻辑删除标志字段') : null,
    change_log_table: deleteMode === 'change_log' ? requireIdentifier('changeLogTable', input.changeLogTable, '变更日志表') : null,
    ...schedule(input), file_pattern: null,
  };
}

function schedule(input: Omit<TaskInput, 'resourceId'>): Pick<CheckedTask, 'schedule_kind' | 'cron' | 'interval_seconds' | 'batch_rows'> {
  const batchRows = requireRange('batchRows', input.batchRows ?? DEFAULT_BATCH_ROWS, 100, 200_000, '每批行数');
  if (input.scheduleKind === 'cron') return { schedule_kind: 'cron', cron: requireCron('cron', input.cron), interval_seconds: null, batch_rows: batchRows };
  if (input.intervalSeconds === null || input.intervalSeconds === undefined) throw invalid('intervalSeconds', 'intervalSeconds is required for a realtime task (请填写实时轮询间隔秒数).');
  return { schedule_kind: 'realtime', cron: null, interval_seconds: requireRange('intervalSeconds', input.intervalSeconds, 1, 60, '实时轮询间隔（秒）'), batch_rows: batchRows };
}

export function createTaskOperations(deps: { db: Database; now: () => Date }) {
  const { db, now } = deps;

  async function visible(actor: Actor, id: string): Promise<TaskRow> {
    const row = UUID.test(id) ? await tasksRepository(db).findTask(id) : undefined;
    if (!row || !canSeeTask(actor, { orgId: row.org_id })) throw notFound(id);
    return row;
  }

  /** Locks the task and checks the actor may change it. */
  async function managed(trx: Database, actor: Actor, id: string): Promise<TaskRow> {
    const repo = tasksRepository(trx);
    if (UUID.test(id)) await repo.lockTask(id);
    const row = UUID.test(id) ? await repo.findTask(id) : undefined;
    if (!row || !canSeeTask(actor, { orgId: row.org_id })) throw notFound(id);
    if (!canManageTask(actor, { orgId: row.org_id })) throw forbidden('Only the department admin of the task\'s department changes it (只有任务所属部门的管理员可以修改发布任务).');
    return row;
  }

  async function view(id: string): Promise<TaskView> {
    return toTaskView((await tasksRepository(db).findTask(id))!);
  }

  async function setStatus(actor: Actor, ctx: AuditContext, id: string, status: 'active' | 'paused'): Promise<TaskView> {
    const at = now();
    await db.transaction().execute(async (trx) => {
      const row = await managed(trx, actor, id);
      if (row.status === status) return;
      await tasksRepository(trx).updateTask(id, { status, updated_at: at });
      await recordAuditEvent(trx, ctx, {
        action: status === 'paused' ? 'exchange.task_paused' : 'exchange.task_resumed', targetType: 'exchange_task', targetId: id, detail: { code: row.code },
      }, at);
    });
    return view(id);
  }

  return {
    async list(actor: Actor, filter: { status?: 'active' | 'paused'; nodeId?: string; resourceId?: string } = {}): Promise<{ items: TaskView[] }> {
      let orgId: string | undefined;
      if (!canReadAllFlows(actor)) {
        if (!isDepartmentMember(actor)) throw forbidden('Only department users, the platform admin and the auditor see publish tasks (无权查看发布任务).');
        orgId = actor.orgId;
      }
      return { items: (await tasksRepository(db).listTasks({ ...filter, orgId })).map(toTaskView) };
    },

    async get(actor: Actor, id: string): Promise<TaskView> {
      return toTaskView(await visible(actor, id));
    },

    async create(actor: Actor, ctx: AuditContext, input: TaskInput): Promise<TaskView> {
      if (!isDepartmentAdmin(actor)) throw forbidden('Only a department admin creates publish tasks (只有部门管理员可以创建发布任务).');
      const at = now();
      const id = await db.transaction().execute(async (trx) => {
        const checked = await checkTask(trx, actor.orgId, input.resourceId, input);
        const repo = tasksRepository(trx);
        const code = await repo.nextCode('exchange_tasks', 'FB');
        const taskId = await repo.insertTask({
          ...checked, code, org_id: actor.orgId, resource_id: input.resourceId, status: 'active', last_seq: 0, applied_seq: 0,
          created_by: actor.userId, created_at: at, updated_at: at,
        });
        await recordAuditEvent(trx, ctx, {
          action: 'exchange.task_created', targetType: 'exchange_task', targetId: taskId,
          detail: { code, resourceId: input.resourceId, nodeId: checked.node_id, sourceName: checked.source_name, mode: checked.mode, scheduleKind: checked.schedule_kind },
        }, at);
        return taskId;
      });
      return view(id);
    },

    async update(actor: Actor, ctx: AuditContext, id: string, input: TaskUpdate): Promise<TaskView> {
      const at = now();
      await db.transaction().execute(async (trx) => {
        const row = await managed(trx, actor, id);
        if (input.resourceId !== undefined && input.resourceId !== row.resource_id) {
          throw invalid('resourceId', 'A task\'s resource cannot be changed; create another task (发布任务的资源不能修改，请新建任务).');
        }
        const checked = await checkTask(trx, row.org_id, row.resource_id, input);
        await tasksRepository(trx).updateTask(id, { ...checked, updated_at: at });
        await recordAuditEvent(trx, ctx, {
          action: 'exchange.task_updated', targetType: 'exchange_task', targetId: id,
          detail: { code: row.code, nodeId: checked.node_id, sourceName: checked.source_name, mode: checked.mode, scheduleKind: checked.schedule_kind },
        }, at);
      });
      return view(id);
    },

    pause: (actor: Actor, ctx: AuditContext, id: string) => setStatus(actor, ctx, id, 'paused'),
    resume: (actor: Actor, ctx: AuditContext, id: string) => setStatus(actor, ctx, id, 'active'),

    /** 立即执行: the node runs the task at its next config fetch instead of waiting for the schedule. */
    async run(actor: Actor, ctx: AuditContext, id: string): Promise<TaskView> {
      const at = now();
      await db.transaction().execute(async (trx) => {
        const row = await managed(trx, actor, id);
        if (row.status !== 'active') throw new DomainError('TASK_PAUSED', 'The task is paused; resume it first (发布任务已暂停，请先恢复).');
        await tasksRepository(trx).updateTask(id, { run_requested_at: at, updated_at: at });
        await recordAuditEvent(trx, ctx, { action: 'exchange.task_run_requested', targetType: 'exchange_task', targetId: id, detail: { code: row.code } }, at);
      });
      return view(id);
    },
  };
}
