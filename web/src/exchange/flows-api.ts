import { api, request, type Query } from '../api/client';
import { catalogApi, type SearchHit } from '../catalog/catalog-api';
import { resourceKindOf, type DataResourceKind } from '@shared/data-services/resource-kinds';
import type { DatastoreView } from '@shared/data-services/datastore/datastore.types';
import type { GrantView } from '@shared/sharing/sharing.types';
import type { NodeEndpoint, ReconciliationView, SubscriptionView, TaskView } from '@shared/exchange/flows.types';

/**
 * 数据交换：发布任务、数据订阅、对账 (docs/exchange-api.md). Views come from the server
 * (src/modules/exchange/flows.types.ts); the bodies are the view fields a user sets.
 */

export type { NodeEndpoint, ReconciliationView, SubscriptionView, TaskView };
export {
  DELETE_MODE_LABELS, MODE_LABELS, SUBSCRIPTION_STATUS_LABELS, TASK_STATUS_LABELS,
} from '@shared/exchange/flows.types';

/** POST /exchange/tasks and PUT /exchange/tasks/:id (resource and node are fixed after creation). */
export type TaskBody = Pick<TaskView,
  | 'resourceId' | 'nodeId' | 'sourceName' | 'sourceTable' | 'sourceQuery' | 'columnMap' | 'mode' | 'watermarkColumn'
  | 'deleteMode' | 'softDeleteColumn' | 'changeLogTable' | 'scheduleKind' | 'cron' | 'intervalSeconds' | 'batchRows' | 'filePattern'>;

/** POST /exchange/subscriptions and PUT /exchange/subscriptions/:id. */
export type SubscriptionBody = Pick<SubscriptionView, 'grantId' | 'nodeId' | 'targetName' | 'targetTable' | 'columnMap'>;

/** A resource the department may publish through a task: a published 库表 with a datastore, or a 文件 resource. */
export interface PublishableResource {
  id: string;
  code: string;
  name: string;
  kind: 'table' | 'file';
  /** 库表: the datastore's items in column order and its key items; 文件: empty. */
  items: { item: string; dataType: string }[];
  keyItems: string[];
}

const taskPath = (id: string) => `/exchange/tasks/${encodeURIComponent(id)}`;
const subscriptionPath = (id: string) => `/exchange/subscriptions/${encodeURIComponent(id)}`;

/**
 * The department's published resources a task can carry. The catalog search gives no format class per hit,
 * so the kind comes from one search per format class; 库表 resources then need a datastore (its items and key).
 */
async function publishableResources(): Promise<PublishableResource[]> {
  const base = { scope: 'department' as const, status: 'published', sort: 'publishDate' as const, limit: 500 };
  const all = await catalogApi.search(base);
  const kinds = new Map<string, DataResourceKind>();
  const classes = all.facets.formatClass.filter((f) => f.count > 0).map((f) => f.value);
  await Promise.all(classes.map(async (formatClass) => {
    const hits = await catalogApi.search({ ...base, formatClass });
    for (const hit of hits.items) kinds.set(hit.id, resourceKindOf(formatClass));
  }));
  const published = all.items.filter((h: SearchHit) => h.status === 'published');
  const out = await Promise.all(published.map(async (h): Promise<PublishableResource | null> => {
    const kind = kinds.get(h.id);
    if (kind === 'file') return { id: h.id, code: h.code, name: h.name, kind, items: [], keyItems: [] };
    if (kind !== 'table') return null;
    const store = await api.get<DatastoreView>(`/resources/${encodeURIComponent(h.id)}/datastore`).catch(() => null);
    if (!store?.exists) return null;
    return {
      id: h.id, code: h.code, name: h.name, kind,
      items: store.columns.map((c) => ({ item: c.item, dataType: c.dataType })),
      keyItems: store.keyItems,
    };
  }));
  return out.filter((r): r is PublishableResource => r !== null);
}

export const flowsApi = {
  tasks: async (query: { resourceId?: string; nodeId?: string } = {}) => (await api.get<{ items: TaskView[] }>('/exchange/tasks', { ...query } as Query)).items,
  task: (id: string) => api.get<TaskView>(taskPath(id)),
  createTask: (body: TaskBody) => api.post<TaskView>('/exchange/tasks', body),
  updateTask: (id: string, body: Partial<TaskBody>) => request<TaskView>(taskPath(id), { method: 'PUT', body }),
  pauseTask: (id: string) => api.post<TaskView>(`${taskPath(id)}/pause`),
  resumeTask: (id: string) => api.post<TaskView>(`${taskPath(id)}/resume`),
  runTask: (id: string) => api.post<TaskView>(`${taskPath(id)}/run`),

  subscriptions: async () => (await api.get<{ items: SubscriptionView[] }>('/exchange/subscriptions')).items,
  subscription: (id: string) => api.get<SubscriptionView>(subscriptionPath(id)),
  createSubscription: (body: SubscriptionBody) => api.post<SubscriptionView>('/exchange/subscriptions', body),
  updateSubscription: (id: string, body: Omit<SubscriptionBody, 'grantId'>) => request<SubscriptionView>(subscriptionPath(id), { method: 'PUT', body }),
  pauseSubscription: (id: string) => api.post<SubscriptionView>(`${subscriptionPath(id)}/pause`),
  resumeSubscription: (id: string) => api.post<SubscriptionView>(`${subscriptionPath(id)}/resume`),

  reconciliations: async (taskId?: string) =>
    (await api.get<{ items: ReconciliationView[] }>('/exchange/reconciliations', taskId ? { taskId } : {})).items,
  reconcile: (taskId: string) => api.post<ReconciliationView>('/exchange/reconciliations', { taskId }),

  publishableResources,
  /** The department's effective grants (consumer side) a subscription can use. */
  consumerGrants: async () =>
    (await api.get<{ items: GrantView[] }>('/grants', { as: 'consumer', status: 'active', limit: 500 })).items.filter((g) => g.effective),
};

/** The node's reported endpoints of one role (a node reports them in its heartbeat). */
export function endpointsOf(node: { endpoints?: NodeEndpoint[] | null }, role: NodeEndpoint['role']): NodeEndpoint[] {
  return (node.endpoints ?? []).filter((e) => e.role === role);
}
