/**
 * Fixtures for the data-plane tests: a 库表 resource of 公安局 with a datastore (key 公民身份号码), a source node
 * of 公安局, a publish task, subscriber nodes and subscriptions (rows inserted directly), signed uploads.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { aTableResourceWithGrant, TABLE_ITEMS, type TableResourceWithGrant } from '../../../../test/helpers/data-services-factories.js';
import type { TestApp } from '../../../../test/helpers/test-app.js';
import { generateNodeKeyPair, signEnrolment, signNodeRequest, signWithNodeKey, type NodeKeyPair } from '../node-signing.js';
import { encodeBatch, type BatchHeaderInput } from '../protocol/batch-format.js';
import { NODE_API } from '../protocol/node-api.js';

export interface TestNode { nodeId: string; key: NodeKeyPair; code: string; orgId: string }

export const COLUMNS = TABLE_ITEMS.map((i) => ({ item: i.name, dataType: i.dataType }));

/** Enrols and approves a node through the API (token by `adminToken`, approval by the platform admin). */
export async function anApprovedNode(t: TestApp, adminToken: string, platformToken: string): Promise<TestNode> {
  const key = generateNodeKeyPair();
  const tokenRes = await t.call(adminToken, 'POST', '/api/v1/exchange/enrolment-tokens', { nodeName: '前置机', zone: '政务外网' });
  expect(tokenRes.statusCode, tokenRes.body).toBe(201);
  const enrolled = await t.app.inject({ method: 'POST', url: '/api/v1/exchange/enrol', payload: signEnrolment({ token: tokenRes.json().token, publicKey: key.publicKey, name: '前置机', version: '0.1.0', address: '10.0.0.1', contact: '张三' }, key) });
  expect(enrolled.statusCode, enrolled.body).toBe(201);
  const nodeId = enrolled.json().nodeId as string;
  const approved = await t.call(platformToken, 'POST', `/api/v1/exchange/nodes/${nodeId}/approve`);
  expect(approved.statusCode, approved.body).toBe(200);
  return { nodeId, key, code: approved.json().code, orgId: approved.json().orgId };
}

/** A node of another department, inserted directly (no demo account administers that department). */
export async function aNodeOfOrg(t: TestApp, like: TestNode, orgId: string): Promise<TestNode> {
  const key = generateNodeKeyPair();
  const src = await t.db.selectFrom('exchange_nodes').select('enrolment_token_id').where('id', '=', like.nodeId).executeTakeFirstOrThrow();
  const code = `T${Math.random().toString().slice(2, 14)}`;
  const row = await t.db.insertInto('exchange_nodes').values({
    org_id: orgId, code, name: '其他部门前置机', zone: '政务外网', public_key: key.publicKey, version: '0.1.0', address: null, contact: null,
    status: 'approved', enrolment_token_id: src.enrolment_token_id, enrolled_at: new Date(),
  } as never).returning('id').executeTakeFirstOrThrow();
  return { nodeId: row.id, key, code, orgId };
}

/** A copy of `grantId` for another consumer department (its own share request row), with other items and masking. */
export async function aGrantFor(t: TestApp, grantId: string, orgId: string, items: string[], masking: Record<string, string>): Promise<string> {
  const clone = async (table: 'sharing_requests' | 'sharing_grants', id: string, overrides: Record<string, ReturnType<typeof sql>>) => {
    const cols = (await sql<{ c: string }>`select column_name as c from information_schema.columns where table_schema = 'public' and table_name = ${table} order by ordinal_position`.execute(t.db)).rows.map((r) => r.c).filter((c) => c !== 'id');
    const select = cols.map((c) => overrides[c] ?? sql.ref(c));
    const { rows } = await sql<{ id: string }>`insert into ${sql.table(table)} (${sql.join(cols.map((c) => sql.ref(c)))}) select ${sql.join(select)} from ${sql.table(table)} where id = ${id} returning id`.execute(t.db);
    return rows[0]!.id;
  };
  const grant = await t.db.selectFrom('sharing_grants').select('request_id').where('id', '=', grantId).executeTakeFirstOrThrow();
  const requestId = await clone('sharing_requests', grant.request_id, { consumer_org_id: sql`${orgId}::uuid` });
  return clone('sharing_grants', grantId, {
    request_id: sql`${requestId}::uuid`, consumer_org_id: sql`${orgId}::uuid`, items: sql`${JSON.stringify(items)}::jsonb`, masking: sql`${JSON.stringify(masking)}::jsonb`,
  });
}

export async function aTask(t: TestApp, r: { resourceId: string; providerOrgId: string }, node: TestNode, opts: { kind?: 'table' | 'file'; status?: 'active' | 'paused' } = {}): Promise<{ id: string; code: string }> {
  const at = new Date();
  const code = `RW${Math.random().toString().slice(2, 12)}`;
  const kind = opts.kind ?? 'table';
  const row = await t.db.insertInto('exchange_tasks').values({
    code, org_id: r.providerOrgId, resource_id: r.resourceId, node_id: node.nodeId, kind, source_name: 'src', source_table: 'people', source_query: null,
    column_map: JSON.stringify(kind === 'table' ? Object.fromEntries(COLUMNS.map((c, i) => [c.item, `col${i}`])) : {}),
    key_items: JSON.stringify(kind === 'table' ? ['公民身份号码'] : []), mode: 'incremental', watermark_column: null, delete_mode: 'none',
    soft_delete_column: null, change_log_table: null, schedule_kind: 'realtime', cron: null, interval_seconds: 5, batch_rows: 50000, file_pattern: null,
    status: opts.status ?? 'active', created_by: null, created_at: at, updated_at: at,
  } as never).returning('id').executeTakeFirstOrThrow();
  return { id: row.id, code };
}

export async function aSubscription(t: TestApp, input: { orgId: string; grantId: string; resourceId: string; node: TestNode }): Promise<string> {
  const at = new Date();
  const row = await t.db.insertInto('exchange_subscriptions').values({
    code: `DY${Math.random().toString().slice(2, 12)}`, org_id: input.orgId, grant_id: input.grantId, resource_id: input.resourceId, node_id: input.node.nodeId,
    target_name: 'tgt', target_table: 'people', column_map: JSON.stringify({}), status: 'active', created_by: null, created_at: at, updated_at: at,
  } as never).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** COPY text line of the five TABLE_ITEMS values. */
export const line = (...values: (string | null)[]) => `${values.map((v) => (v === null ? '\\N' : v)).join('\t')}\n`;

export async function aBatch(r: { code: string }, task: { id: string }, key: NodeKeyPair, opts: { seq: number; upserts?: string[]; deletes?: string[]; batchId?: string; mode?: 'incremental' | 'full'; snapshotLast?: boolean; file?: { name: string; content: Buffer; sm3: string } }): Promise<{ file: Buffer; batchId: string }> {
  const batchId = opts.batchId ?? randomUUID();
  const upserts = opts.upserts ?? [];
  const deletes = opts.deletes ?? [];
  const input: BatchHeaderInput = {
    batchId, kind: opts.file ? 'file' : 'rows', taskId: task.id, subscriptionId: null, sourceBatchId: null, resourceCode: r.code, seq: opts.seq,
    runId: randomUUID(), mode: opts.mode ?? 'incremental', createdAt: new Date().toISOString(), columns: opts.file ? [] : COLUMNS,
    keyItems: opts.file ? [] : ['公民身份号码'], upserts: upserts.length, deletes: deletes.length, watermark: null, snapshotLast: opts.snapshotLast ?? false,
    file: opts.file ? { name: opts.file.name, size: opts.file.content.length, sm3: opts.file.sm3 } : null,
  };
  const encoded = await encodeBatch(input, opts.file ? opts.file.content : upserts.join(''), deletes.join(''), (d) => signWithNodeKey(d, key));
  return { file: encoded.file, batchId };
}

export async function upload(t: TestApp, node: TestNode, file: Buffer, signer: NodeKeyPair = node.key) {
  const headers = signNodeRequest(node.nodeId, signer, { method: 'POST', path: NODE_API.batches, body: file });
  return t.app.inject({ method: 'POST', url: NODE_API.batches, headers: { ...headers, 'content-type': 'application/octet-stream' }, payload: file });
}

export async function nodeGet(t: TestApp, node: TestNode, url: string) {
  const headers = signNodeRequest(node.nodeId, node.key, { method: 'GET', path: url.split('?')[0]!, body: '' });
  return t.app.inject({ method: 'GET', url, headers });
}

export async function nodePost(t: TestApp, node: TestNode, url: string, body: unknown) {
  const raw = JSON.stringify(body);
  const headers = signNodeRequest(node.nodeId, node.key, { method: 'POST', path: url, body: raw });
  return t.app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/json' }, payload: raw });
}

export async function datastoreRows(t: TestApp, resourceId: string): Promise<Record<string, unknown>[]> {
  const store = await t.db.selectFrom('data_stores').select('table_name').where('resource_id', '=', resourceId).executeTakeFirstOrThrow();
  const { rows } = await sql.raw<Record<string, unknown>>(`select * from data_store.${store.table_name} order by c_1`).execute(t.db);
  return rows;
}

export async function aSetup(t: TestApp, options: Parameters<typeof aTableResourceWithGrant>[1] = {}): Promise<TableResourceWithGrant> {
  return aTableResourceWithGrant(t, { keyItems: ['公民身份号码'], ...options });
}
