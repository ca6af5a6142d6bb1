import { isEffective } from '../../sharing/sharing-views.js';
import type { SubscriptionView, TaskView } from '../flows.types.js';
import type { SubscriptionRow, TaskRow } from './tasks.repository.js';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function toTaskView(r: TaskRow): TaskView {
  return {
    id: r.id, code: r.code, orgId: r.org_id, orgName: r.org_name, resourceId: r.resource_id, resourceCode: r.resource_code, resourceName: r.resource_name,
    nodeId: r.node_id, nodeName: r.node_name, nodeCode: r.node_code, kind: r.kind, sourceName: r.source_name, sourceTable: r.source_table,
    sourceQuery: r.source_query, columnMap: r.column_map, keyItems: r.key_items, mode: r.mode, watermarkColumn: r.watermark_column,
    deleteMode: r.delete_mode, softDeleteColumn: r.soft_delete_column, changeLogTable: r.change_log_table, scheduleKind: r.schedule_kind,
    cron: r.cron, intervalSeconds: r.interval_seconds, batchRows: r.batch_rows, filePattern: r.file_pattern, status: r.status,
    lastSeq: Number(r.last_seq), appliedSeq: Number(r.applied_seq), consecutiveFailures: r.consecutive_failures,
    subscriptions: Number(r.subscription_count), lastBatchAt: iso(r.last_batch_at), runRequestedAt: iso(r.run_requested_at), createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!,
  };
}

export function toSubscriptionView(r: SubscriptionRow, at: Date): SubscriptionView {
  return {
    id: r.id, code: r.code, orgId: r.org_id, orgName: r.org_name, grantId: r.grant_id, resourceId: r.resource_id, resourceCode: r.resource_code,
    resourceName: r.resource_name, providerName: r.provider_name, nodeId: r.node_id, nodeName: r.node_name, nodeCode: r.node_code,
    targetName: r.target_name, targetTable: r.target_table, columnMap: r.column_map, status: r.status, stoppedReason: r.stopped_reason,
    lastSeq: Number(r.last_seq), appliedSeq: Number(r.applied_seq), consecutiveFailures: r.consecutive_failures,
    grantEffective: isEffective({ status: r.grant_status, valid_from: r.grant_valid_from, valid_to: r.grant_valid_to }, at),
    grantValidTo: r.grant_valid_to, createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!,
  };
}
