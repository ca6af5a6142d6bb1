import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/platform/db/database.js';

/**
 * Exchange rows inserted directly (no node agent, no upload): nodes, tasks, subscriptions, batches, deliveries
 * and log lines, for the monitoring tests. Only the columns the monitoring reads are meaningful.
 */

let counter = 0;
const next = () => `${Date.now().toString(36)}${(++counter).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const fakeKey = () => `04${randomUUID().replace(/-/g, '')}${next()}`.padEnd(130, '0');

export async function aNode(db: Database, input: { orgId: string; name?: string; code?: string; status?: 'approved' | 'pending' | 'revoked'; at: Date; lastHeartbeatAt?: Date | null }): Promise<string> {
  const name = input.name ?? `前置机${next()}`;
  const token = await db.insertInto('exchange_enrolment_tokens').values({
    org_id: input.orgId, node_name: name, zone: '政务外网', token_sm3: `sm3-${next()}`, expires_at: input.at, created_at: input.at, used_at: input.at,
  }).returning('id').executeTakeFirstOrThrow();
  const node = await db.insertInto('exchange_nodes').values({
    org_id: input.orgId, code: input.code ?? `440400${next().slice(0, 9).toUpperCase().padEnd(9, '0')}001`, name, zone: '政务外网', public_key: fakeKey(),
    version: '0.1.0', status: input.status ?? 'approved', enrolment_token_id: token.id, enrolled_at: input.at, decided_at: input.at,
    last_heartbeat_at: input.lastHeartbeatAt ?? null,
  }).returning('id').executeTakeFirstOrThrow();
  return node.id;
}

export async function aTask(db: Database, input: { orgId: string; resourceId: string; nodeId: string; code?: string; at: Date; consecutiveFailures?: number }): Promise<{ id: string; code: string }> {
  const code = input.code ?? `FB${next()}`;
  const row = await db.insertInto('exchange_tasks').values({
    code, org_id: input.orgId, resource_id: input.resourceId, node_id: input.nodeId, kind: 'table', source_name: 'src', source_table: 'people',
    column_map: JSON.stringify({ 姓名: 'name' }), key_items: JSON.stringify(['公民身份号码']), mode: 'incremental', watermark_column: 'updated_at',
    delete_mode: 'none', schedule_kind: 'realtime', interval_seconds: 5, batch_rows: 50_000, status: 'active',
    consecutive_failures: input.consecutiveFailures ?? 0, created_at: input.at, updated_at: input.at,
  }).returning('id').executeTakeFirstOrThrow();
  return { id: row.id, code };
}

export async function aSubscription(db: Database, input: { orgId: string; grantId: string; resourceId: string; nodeId: string; code?: string; at: Date; consecutiveFailures?: number }): Promise<{ id: string; code: string }> {
  const code = input.code ?? `DY${next()}`;
  const row = await db.insertInto('exchange_subscriptions').values({
    code, org_id: input.orgId, grant_id: input.grantId, resource_id: input.resourceId, node_id: input.nodeId, target_name: 'dst', target_table: 'people',
    column_map: JSON.stringify({ 姓名: 'name' }), status: 'active', consecutive_failures: input.consecutiveFailures ?? 0, created_at: input.at, updated_at: input.at,
  }).returning('id').executeTakeFirstOrThrow();
  return { id: row.id, code };
}

export interface BatchInput {
  taskId: string;
  resourceId: string;
  nodeId: string;
  seq: number;
  at: Date;
  runId?: string;
  upserts?: number;
  deletes?: number;
  bytes?: number;
  status?: 'received' | 'applied' | 'failed';
  errorCode?: string | null;
  errorMessage?: string | null;
}

export async function aBatch(db: Database, input: BatchInput): Promise<{ id: string; serialNo: string; sm3: string }> {
  const id = randomUUID();
  const serialNo = `JH${next()}`;
  const sm3 = (randomUUID() + randomUUID()).replace(/-/g, '');
  await db.insertInto('exchange_batches').values({
    id, serial_no: serialNo, task_id: input.taskId, resource_id: input.resourceId, source_node_id: input.nodeId, seq: input.seq, run_id: input.runId ?? randomUUID(),
    kind: 'rows', mode: 'incremental', upserts: input.upserts ?? 10, deletes: input.deletes ?? 0, bytes: input.bytes ?? 1000, sm3, signature: 'sig',
    storage_path: `/tmp/none/${id}.gsb`, created_at: input.at, received_at: input.at, applied_at: input.status === 'applied' ? input.at : null,
    status: input.status ?? 'applied', error_code: input.errorCode ?? null, error_message: input.errorMessage ?? null,
  }).execute();
  return { id, serialNo, sm3 };
}

export async function aDelivery(db: Database, input: {
  batchId: string; subscriptionId: string; nodeId: string; seq: number; at: Date; records?: number;
  status?: 'pending' | 'sent' | 'applied' | 'failed' | 'stopped'; errorCode?: string | null; errorMessage?: string | null;
}): Promise<{ id: string; serialNo: string }> {
  const serialNo = `TD${next()}`;
  const status = input.status ?? 'applied';
  const row = await db.insertInto('exchange_deliveries').values({
    serial_no: serialNo, batch_id: input.batchId, subscription_id: input.subscriptionId, target_node_id: input.nodeId, seq: input.seq,
    records: input.records ?? 10, bytes: 800, sm3: null, status, attempts: status === 'pending' ? 0 : 1, error_code: input.errorCode ?? null,
    error_message: input.errorMessage ?? null, created_at: input.at, sent_at: status === 'pending' ? null : input.at, acked_at: status === 'applied' ? input.at : null,
  }).returning('id').executeTakeFirstOrThrow();
  return { id: row.id, serialNo };
}

export async function aLogLine(db: Database, input: {
  event: 'upload' | 'apply' | 'delivery' | 'ack' | 'retry' | 'reject'; at: Date; taskId?: string | null; taskCode?: string | null; subscriptionId?: string | null;
  resourceCode?: string | null; sourceNodeId?: string | null; targetNodeId?: string | null; batchId?: string | null; records?: number; bytes?: number;
  result?: 'success' | 'failure' | 'rejected'; errorCode?: string | null; errorMessage?: string | null; sm3?: string | null; operator?: string | null; serialNo?: string;
}): Promise<void> {
  await db.insertInto('exchange_log').values({
    serial_no: input.serialNo ?? `JH${next()}`, event: input.event, task_id: input.taskId ?? null, subscription_id: input.subscriptionId ?? null,
    resource_code: input.resourceCode ?? null, task_code: input.taskCode ?? null, source_node_id: input.sourceNodeId ?? null, target_node_id: input.targetNodeId ?? null,
    batch_id: input.batchId ?? null, mode: 'incremental', started_at: new Date(input.at.getTime() - 1000), finished_at: input.at, records: input.records ?? 0,
    bytes: input.bytes ?? 0, result: input.result ?? 'success', error_code: input.errorCode ?? null, error_message: input.errorMessage ?? null,
    sm3: input.sm3 ?? null, retries: 0, operator: input.operator ?? null,
  }).execute();
}
