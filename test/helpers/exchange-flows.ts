/**
 * The console's exchange steps over HTTP (used by the e2e tests and the exchange bench): enrol a node agent with a
 * department admin's one-time token and approve it as the platform admin, create publish tasks and
 * subscriptions, request a run, read views.
 */
import type { SubscriptionView, TaskView } from '../../src/modules/exchange/flows.types.js';
import { waitFor, type ConsoleClient, type NodeAgentProcess } from './exchange-harness.js';

/**
 * Token by the department admin → `govshare node enrol` (the agent generates its SM2 key and enrols) →
 * approval by the platform admin → the agent started; resolves with the node id once its first heartbeat
 * (with its endpoints) has arrived.
 */
export async function enrolApprovedNode(api: ConsoleClient, deptAdminToken: string, platformToken: string, agent: NodeAgentProcess, zone = '政务外网'): Promise<string> {
  const { token } = await api.ok(deptAdminToken, 'POST', '/api/v1/exchange/enrolment-tokens', { nodeName: agent.config.name ?? agent.name, zone });
  // --address and --contact given: a null field fails the proof check (see the H8 report: ajv coerceTypes turns null into "").
  const out = await agent.run(['enrol', '--token', token, '--address', '127.0.0.1', '--contact', '交换测试 0756-0000000']);
  const nodeId = /enrolled as node ([0-9a-f-]{36})/.exec(out)?.[1];
  if (!nodeId) throw new Error(`enrolment of ${agent.name} printed no node id: ${out}`);
  const node = await api.ok(platformToken, 'GET', `/api/v1/exchange/nodes/${nodeId}`);
  if (node.status !== 'pending') throw new Error(`enrolled node ${nodeId} is ${node.status}`);
  await api.ok(platformToken, 'POST', `/api/v1/exchange/nodes/${node.id}/approve`);
  agent.start();
  await waitFor(`${agent.name}'s first heartbeat`, async () => {
    const view = await api.ok(platformToken, 'GET', `/api/v1/exchange/nodes/${node.id}`);
    return view.lastHeartbeatAt ? view : null;
  }, 180_000, 200);
  return node.id;
}

export interface TaskInput {
  resourceId: string;
  nodeId: string;
  sourceName: string;
  sourceTable?: string | null;
  sourceQuery?: string | null;
  columnMap: Record<string, string>;
  keyItems: string[];
  mode: 'incremental' | 'full';
  watermarkColumn?: string | null;
  deleteMode?: 'none' | 'soft_delete' | 'change_log';
  softDeleteColumn?: string | null;
  changeLogTable?: string | null;
  scheduleKind: 'cron' | 'realtime';
  cron?: string | null;
  intervalSeconds?: number | null;
  batchRows?: number;
}

export async function createTask(api: ConsoleClient, providerAdminToken: string, input: TaskInput): Promise<TaskView> {
  // keyItems are the datastore's (the platform derives them); kept in the input for the caller's own checks.
  const { keyItems: _keyItems, ...body } = input;
  return api.ok(providerAdminToken, 'POST', '/api/v1/exchange/tasks', {
    sourceTable: null, sourceQuery: null, watermarkColumn: null, deleteMode: 'none', softDeleteColumn: null, changeLogTable: null,
    cron: null, intervalSeconds: null, ...body,
  });
}

export interface SubscriptionInput { grantId: string; resourceId?: string; nodeId: string; targetName: string; targetTable: string; columnMap: Record<string, string> }

export async function createSubscription(api: ConsoleClient, consumerAdminToken: string, input: SubscriptionInput): Promise<SubscriptionView> {
  const { resourceId: _resourceId, ...body } = input;
  return api.ok(consumerAdminToken, 'POST', '/api/v1/exchange/subscriptions', body);
}

/** 立即执行. */
export async function requestRun(api: ConsoleClient, token: string, taskId: string): Promise<void> {
  await api.ok(token, 'POST', `/api/v1/exchange/tasks/${taskId}/run`, {});
}

export async function taskView(api: ConsoleClient, token: string, taskId: string): Promise<TaskView> {
  return api.ok(token, 'GET', `/api/v1/exchange/tasks/${taskId}`);
}

export async function subscriptionView(api: ConsoleClient, token: string, subscriptionId: string): Promise<SubscriptionView> {
  return api.ok(token, 'GET', `/api/v1/exchange/subscriptions/${subscriptionId}`);
}
