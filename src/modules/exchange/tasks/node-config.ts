/**
 * The configuration a node fetches (GET /api/v1/exchange/node/config): its active tasks and subscriptions,
 * the reconciliations waiting for its counts, and the platform's public key — signed with the platform key so
 * the node can cache it and trust the cached copy while the platform is unreachable.
 */
import { datastoreLayout } from '../../data-services/datastore/index.js';
import { resourceKindOf } from '../../data-services/resource-kinds.js';
import type { Database } from '../../../platform/db/database.js';
import type { NodeConfig, SignedNodeConfig, SubscriptionConfig, TaskConfig } from '../flows.types.js';
import type { AuthenticatedNode } from '../nodes.types.js';
import { signNodeConfig } from '../protocol/node-config.js';
import type { PlatformKey } from './platform-key.js';
import { tasksRepository } from './tasks.repository.js';

/** What the reconciliation service offers the config (optional: the config works without it). */
export interface PendingReconciliations {
  pendingFor(nodeId: string): Promise<NodeConfig['reconciliations']>;
}

export function createNodeConfigBuilder(deps: {
  db: Database; now: () => Date; platformKey: PlatformKey; reconciliation?: () => Partial<PendingReconciliations> | undefined;
}) {
  const { db, now } = deps;

  async function taskConfigs(nodeId: string): Promise<TaskConfig[]> {
    const rows = await tasksRepository(db).listTasks({ nodeId, status: 'active' });
    const out: TaskConfig[] = [];
    for (const t of rows.reverse()) {
      let columns: TaskConfig['columns'] = [];
      if (t.kind === 'table') {
        const layout = await datastoreLayout(db, t.resource_id);
        // A task whose datastore vanished cannot extract anything meaningful: leave it out rather than send no columns.
        if (!layout) continue;
        columns = layout.columns.filter((c) => c.item in t.column_map).map((c) => ({ item: c.item, dataType: c.dataType, column: t.column_map[c.item]! }));
      }
      out.push({
        id: t.id, code: t.code, resourceCode: t.resource_code, kind: t.kind, sourceName: t.source_name, sourceTable: t.source_table,
        sourceQuery: t.source_query, columns, keyItems: t.key_items, mode: t.mode, watermarkColumn: t.watermark_column, deleteMode: t.delete_mode,
        softDeleteColumn: t.soft_delete_column, changeLogTable: t.change_log_table, scheduleKind: t.schedule_kind, cron: t.cron,
        intervalSeconds: t.interval_seconds, batchRows: t.batch_rows, filePattern: t.file_pattern, lastSeq: Number(t.last_seq),
        runRequestedAt: t.run_requested_at === null ? null : new Date(t.run_requested_at).toISOString(),
      });
    }
    return out;
  }

  async function subscriptionConfigs(nodeId: string): Promise<SubscriptionConfig[]> {
    const rows = await tasksRepository(db).listSubscriptions({ nodeId, status: 'active' });
    const out: SubscriptionConfig[] = [];
    for (const s of rows.reverse()) {
      const kind = s.format_class && resourceKindOf(s.format_class) === 'file' ? 'file' : 'table';
      const layout = kind === 'table' ? await datastoreLayout(db, s.resource_id) : null;
      // Only items granted now: a narrowed grant narrows what the node writes.
      const columnMap = Object.fromEntries(Object.entries(s.column_map).filter(([item]) => s.grant_items.includes(item)));
      out.push({
        id: s.id, code: s.code, resourceCode: s.resource_code, kind, targetName: s.target_name, targetTable: s.target_table,
        columnMap, keyItems: layout?.keyItems ?? [],
        // The mapped granted items in item order: the target's reconciliation checksum covers exactly these.
        columns: (layout?.columns ?? []).filter((c) => c.item in columnMap).map((c) => ({ item: c.item, dataType: c.dataType, column: columnMap[c.item]! })),
      });
    }
    return out;
  }

  return {
    async nodeConfig(node: AuthenticatedNode): Promise<SignedNodeConfig> {
      const key = await deps.platformKey.get();
      const reconciliation = deps.reconciliation?.();
      const config: NodeConfig = {
        nodeId: node.id, nodeCode: node.code, issuedAt: now().toISOString(), platformPublicKey: key.publicKey,
        tasks: await taskConfigs(node.id), subscriptions: await subscriptionConfigs(node.id),
        reconciliations: reconciliation?.pendingFor ? await reconciliation.pendingFor(node.id) : [],
      };
      return signNodeConfig(config, key);
    },
  };
}
