/**
 * Subscriptions (订阅): a consumer department binds an effective grant on a 库表/文件 resource to a target on one
 * of its approved nodes. Deliveries carry only granted items (masked as granted), so the mapping may name only
 * granted items, and the key items must be granted unmasked — the target upserts by them.
 */
import { recordAuditEvent, type AuditContext } from '../../audit/index.js';
import { readLayout } from '../../data-services/datastore/datastore-schema.js';
import { resourceKindOf } from '../../data-services/resource-kinds.js';
import type { Actor } from '../../identity/identity.policy.js';
import { notify } from '../../notifications/index.js';
import { findEffectiveGrant } from '../../sharing/index.js';
import { isEffective } from '../../sharing/sharing-views.js';
import type { Database } from '../../../platform/db/database.js';
import { DomainError, forbidden } from '../../../platform/errors.js';
import type { SubscriptionView, TaskKind } from '../flows.types.js';
import { canManageSubscription, canReadAllFlows, canSeeSubscription, isDepartmentAdmin, isDepartmentMember } from './tasks.policy.js';
import { tasksRepository, type GrantRow, type SubscriptionRow } from './tasks.repository.js';
import { endpointsOf, invalid, normaliseColumnMap, requireEndpoint, requireIdentifier, requireRelativeDir } from './tasks.validation.js';
import { toSubscriptionView } from './tasks.views.js';
import { backfillDeliveries } from '../batches/backfill.js';

export interface SubscriptionInput {
  grantId: string;
  nodeId: string;
  targetName: string;
  targetTable: string;
  columnMap?: Record<string, string>;
}

/** PUT: the node, target and mapping (the grant stays). */
export type SubscriptionUpdate = Omit<SubscriptionInput, 'grantId'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const notFound = (id: string) => new DomainError('SUBSCRIPTION_NOT_FOUND', `Subscription ${id} does not exist (订阅不存在).`);

interface CheckedSubscription { node_id: string; target_name: string; target_table: string; column_map: string }

/** Checks the node, target and mapping against the grant and the resource's datastore key. */
async function checkSubscription(trx: Database, orgId: string, grant: GrantRow, input: SubscriptionUpdate): Promise<CheckedSubscription & { kind: TaskKind }> {
  const repo = tasksRepository(trx);
  const resource = await repo.resource(grant.resource_id);
  const kind = resource?.format_class ? resourceKindOf(resource.format_class) : 'api';
  if (!resource || kind === 'api') throw invalid('grantId', 'Only grants on 库表 and 文件 resources can be subscribed (只能订阅库表或文件类资源).');

  const node = UUID.test(input.nodeId) ? await repo.node(input.nodeId) : undefined;
  if (!node || node.org_id !== orgId) throw invalid('nodeId', 'nodeId must be a node of your department (请选择本部门的前置机).');
  if (node.status !== 'approved') throw invalid('nodeId', `The node is ${node.status}; only approved nodes receive data (前置机“${node.name}”未获批准或已注销).`);
  const endpoints = endpointsOf(node.last_endpoints);

  if (kind === 'file') {
    return {
      kind, node_id: node.id, target_name: requireEndpoint('targetName', input.targetName, endpoints, 'target', 'csv'),
      target_table: requireRelativeDir('targetTable', input.targetTable, '目标目录'), column_map: '{}',
    };
  }
  const layout = await readLayout(trx, resource.id);
  if (!layout) throw invalid('grantId', 'The provider has not set up the resource\'s datastore yet (提供方尚未为该资源建立数据存储，暂不能订阅).');
  const masking = grant.masking;
  const keyProblem = layout.keyItems.filter((k) => !grant.items.includes(k) || (masking[k] !== undefined && masking[k] !== 'none'));
  if (keyProblem.length) {
    throw new DomainError('SUBSCRIPTION_KEY_NOT_GRANTED',
      `Key items must be granted without masking: ${keyProblem.join(', ')} (主键数据项“${keyProblem.join('、')}”未获授权或已脱敏，无法按主键同步；请向提供方申请这些数据项).`,
      { field: 'columnMap', items: keyProblem });
  }
  const columnMap = normaliseColumnMap('columnMap', input.columnMap);
  const notGranted = Object.keys(columnMap).filter((item) => !grant.items.includes(item));
  if (notGranted.length) throw invalid('columnMap', `Only granted items can be mapped: ${notGranted.join(', ')} (以下数据项未获授权：${notGranted.join('、')}).`);
  const missing = layout.keyItems.filter((k) => !(k in columnMap));
  if (missing.length) throw invalid('columnMap', `Every key item must be mapped: ${missing.join(', ')} (主键数据项必须映射目标字段：${missing.join('、')}).`);
  return {
    kind, node_id: node.id, target_name: requireEndpoint('targetName', input.targetName, endpoints, 'target'),
    target_table: requireIdentifier('targetTable', input.targetTable, '目标表'), column_map: JSON.stringify(columnMap),
  };
}

export function createSubscriptionOperations(deps: { db: Database; now: () => Date }) {
  const { db, now } = deps;

  const visibleRow = (actor: Actor, row: SubscriptionRow | undefined): row is SubscriptionRow =>
    row !== undefined && canSeeSubscription(actor, { orgId: row.org_id, providerOrgId: row.provider_org_id });

  async function managed(trx: Database, actor: Actor, id: string): Promise<SubscriptionRow> {
    const repo = tasksRepository(trx);
    if (UUID.test(id)) await repo.lockSubscription(id);
    const row = UUID.test(id) ? await repo.findSubscription(id) : undefined;
    if (!visibleRow(actor, row)) throw notFound(id);
    if (!canManageSubscription(actor, { orgId: row.org_id })) {
      throw forbidden('Only the department admin of the subscribing department changes it (只有订阅部门的管理员可以修改订阅).');
    }
    return row;
  }

  async function view(id: string): Promise<SubscriptionView> {
    return toSubscriptionView((await tasksRepository(db).findSubscription(id))!, now());
  }

  return {
    async list(actor: Actor, filter: { as?: 'consumer' | 'provider'; status?: 'active' | 'paused' | 'stopped'; nodeId?: string; resourceId?: string } = {}): Promise<{ items: SubscriptionView[] }> {
      const { as, ...rest } = filter;
      let scope: { orgId?: string; providerOrgId?: string; eitherOrgId?: string } = {};
      if (!canReadAllFlows(actor) || (as && isDepartmentMember(actor))) {
        if (!isDepartmentMember(actor)) throw forbidden('Only department users, the platform admin and the auditor see subscriptions (无权查看订阅).');
        scope = as === 'consumer' ? { orgId: actor.orgId } : as === 'provider' ? { providerOrgId: actor.orgId } : { eitherOrgId: actor.orgId };
      }
      const at = now();
      return { items: (await tasksRepository(db).listSubscriptions({ ...rest, ...scope })).map((r) => toSubscriptionView(r, at)) };
    },

    async get(actor: Actor, id: string): Promise<SubscriptionView> {
      const row = UUID.test(id) ? await tasksRepository(db).findSubscription(id) : undefined;
      if (!visibleRow(actor, row)) throw notFound(id);
      return toSubscriptionView(row, now());
    },

    async create(actor: Actor, ctx: AuditContext, input: SubscriptionInput): Promise<SubscriptionView> {
      if (!isDepartmentAdmin(actor)) throw forbidden('Only a department admin creates subscriptions (只有部门管理员可以创建订阅).');
      const at = now();
      const id = await db.transaction().execute(async (trx) => {
        const repo = tasksRepository(trx);
        const grant = UUID.test(input.grantId) ? await repo.grant(input.grantId) : undefined;
        if (!grant || grant.consumer_org_id !== actor.orgId) throw invalid('grantId', 'grantId must be a grant of your department (请选择本部门获得的共享授权).');
        if (!isEffective(grant, at)) throw invalid('grantId', 'The grant is not in effect (revoked, expired or not yet valid) (该授权已撤销、过期或尚未生效).');
        const checked = await checkSubscription(trx, actor.orgId, grant, input);
        const code = await repo.nextCode('exchange_subscriptions', 'DY');
        const { kind, ...values } = checked;
        const subId = await repo.insertSubscription({
          ...values, code, org_id: actor.orgId, grant_id: grant.id, resource_id: grant.resource_id, status: 'active', last_seq: 0, applied_seq: 0,
          created_by: actor.userId, created_at: at, updated_at: at,
        });
        // A late subscriber gets the resource's stored history first (补发), then new batches as they come.
        const backfilled = await backfillDeliveries(trx, { subscriptionId: subId, nodeId: checked.node_id, resourceId: grant.resource_id, at });
        await recordAuditEvent(trx, ctx, {
          action: 'exchange.subscription_created', targetType: 'exchange_subscription', targetId: subId,
          detail: { code, grantId: grant.id, resourceId: grant.resource_id, kind, nodeId: checked.node_id, targetName: checked.target_name, targetTable: checked.target_table, backfilled },
        }, at);
        const consumer = (await repo.orgName(actor.orgId))?.name ?? '';
        await notify(trx, {
          recipient: { orgId: grant.provider_org_id, roles: ['dept_admin'] }, kind: 'exchange.subscription_created',
          title: `“${consumer}”订阅了“${grant.resource_name}”`,
          body: `${consumer}已订阅资源“${grant.resource_name}”（订阅编号 ${code}），此后该资源的交换批次将投递给对方前置机。`,
          link: `/exchange/subscriptions/${subId}`,
        }, at);
        return subId;
      });
      return view(id);
    },

    async update(actor: Actor, ctx: AuditContext, id: string, input: SubscriptionUpdate): Promise<SubscriptionView> {
      const at = now();
      await db.transaction().execute(async (trx) => {
        const row = await managed(trx, actor, id);
        const grant = (await tasksRepository(trx).grant(row.grant_id))!;
        const { kind: _kind, ...checked } = await checkSubscription(trx, row.org_id, grant, input);
        await tasksRepository(trx).updateSubscription(id, { ...checked, updated_at: at });
        await recordAuditEvent(trx, ctx, {
          action: 'exchange.subscription_updated', targetType: 'exchange_subscription', targetId: id,
          detail: { code: row.code, nodeId: checked.node_id, targetName: checked.target_name, targetTable: checked.target_table },
        }, at);
      });
      return view(id);
    },

    async pause(actor: Actor, ctx: AuditContext, id: string): Promise<SubscriptionView> {
      const at = now();
      await db.transaction().execute(async (trx) => {
        const row = await managed(trx, actor, id);
        if (row.status === 'paused') return;
        if (row.status === 'stopped') throw new DomainError('SUBSCRIPTION_STATE_INVALID', 'The subscription is stopped; resume it once the grant is in effect (订阅已停止，授权恢复后可重新启用).');
        await tasksRepository(trx).updateSubscription(id, { status: 'paused', updated_at: at });
        await recordAuditEvent(trx, ctx, { action: 'exchange.subscription_paused', targetType: 'exchange_subscription', targetId: id, detail: { code: row.code } }, at);
      });
      return view(id);
    },

    /**
     * Resume a paused subscription, or a stopped one (its grant was revoked or expired) once an effective grant
     * exists again: the subscription's own grant, or the department's current grant on the resource (a renewal).
     */
    async resume(actor: Actor, ctx: AuditContext, id: string): Promise<SubscriptionView> {
      const at = now();
      await db.transaction().execute(async (trx) => {
        const row = await managed(trx, actor, id);
        if (row.status === 'active') return;
        const repo = tasksRepository(trx);
        let grantId = row.grant_id;
        if (row.status === 'stopped') {
          const own = (await repo.grant(row.grant_id))!;
          if (!isEffective(own, at)) {
            const current = await findEffectiveGrant(trx, { consumerOrgId: row.org_id, resourceId: row.resource_id, at });
            if (!current) throw new DomainError('GRANT_REQUIRED', 'No effective grant on this resource; apply for sharing again first (该资源的共享授权已失效，请重新申请后再启用订阅).');
            grantId = current.id;
          }
        }
        await repo.updateSubscription(id, { status: 'active', grant_id: grantId, stopped_reason: null, consecutive_failures: 0, failure_alerted_at: null, updated_at: at });
        await recordAuditEvent(trx, ctx, {
          action: 'exchange.subscription_resumed', targetType: 'exchange_subscription', targetId: id,
          detail: { code: row.code, from: row.status, ...(grantId !== row.grant_id ? { grantId } : {}) },
        }, at);
      });
      return view(id);
    },
  };
}
