import { recordAuditEvent, type AuditContext } from '../audit/index.js';
import type { Actor } from '../identity/identity.policy.js';
import { notify } from '../notifications/index.js';
import { randomToken, sm3Hex } from '../../platform/crypto/sm3.js';
import type { Database } from '../../platform/db/database.js';
import { DomainError, forbidden } from '../../platform/errors.js';
import { canListAllNodes, canManageEnrolmentTokens, canReviewNodes, canSeeNode } from './exchange.policy.js';
import type { AuthenticatedNode, EnrolmentTokenView, NetworkZone, NodeEndpoint, NodeStatus, NodeView, TokenState } from './nodes.types.js';
export { NETWORK_ZONES, type AuthenticatedNode, type EnrolmentTokenView, type NodeView, type TokenState } from './nodes.types.js';
import type { NodeRequest } from './node-request.js';
import {
  canonicalJson, isValidPublicKey, memoryNodeNonceStore, verifyNodeRequest, verifyNodeSignature, type NodeNonceStore,
} from './node-signing.js';
import { nodesRepository, type NodeRow, type TokenRow } from './nodes.repository.js';

/** A node is shown online when its last heartbeat is at most this old. */
export const NODE_ONLINE_WINDOW_MS = 90_000;



export interface EnrolInput {
  token: string;
  publicKey: string;
  name: string;
  version: string;
  address?: string | null;
  contact?: string | null;
  proof: string;
}

export interface HeartbeatInput {
  version: string;
  status: 'ok' | 'degraded';
  backlog: number;
  detail?: string | null;
  endpoints?: NodeEndpoint[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function approvedNode(row: NodeRow): AuthenticatedNode {
  if (row.status !== 'approved' || row.code === null) {
    throw new DomainError('NODE_NOT_APPROVED', `This node is ${row.status}; only approved nodes may call the exchange centre (前置机未获批准或已吊销).`, { status: row.status });
  }
  return { id: row.id, orgId: row.org_id, code: row.code, name: row.name, publicKey: row.public_key };
}

/** jsonb read back: parsed on both engines, but tolerate a string. */
function endpointsOf(value: unknown): NodeEndpoint[] {
  const parsed = typeof value === 'string' ? JSON.parse(value) as unknown : value;
  return Array.isArray(parsed) ? parsed as NodeEndpoint[] : [];
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** The node code: the department's 6-digit region code + chars 9–17 of its USCC (the 9-character org code) + a 3-digit sequence. */
export function nodeCodeOf(org: { region_code: string; uscc: string }, sequence: number): string {
  if (sequence > 999) throw new DomainError('EXCHANGE_INVALID', 'The department already has 999 nodes (本部门前置机编号已用尽).');
  return `${org.region_code}${org.uscc.slice(8, 17)}${String(sequence).padStart(3, '0')}`;
}

const notFound = (id: string) => new DomainError('NODE_NOT_FOUND', `Exchange node ${id} does not exist (前置机不存在).`);
const tokenNotFound = (id: string) => new DomainError('ENROLMENT_TOKEN_NOT_FOUND', `Enrolment token ${id} does not exist (注册令牌不存在).`);

/** Exchange nodes (前置机): enrolment tokens, enrolment, review, revocation and heartbeats. */
export function createNodesService(deps: { db: Database; now?: () => Date; nonces?: NodeNonceStore }) {
  const now = deps.now ?? (() => new Date());
  const { db } = deps;
  const nonces = deps.nonces ?? memoryNodeNonceStore();

  function tokenState(r: TokenRow, at: Date): TokenState {
    if (r.used_at) return 'used';
    if (r.revoked_at) return 'revoked';
    return new Date(r.expires_at).getTime() <= at.getTime() ? 'expired' : 'active';
  }

  function toTokenView(r: TokenRow, at: Date): EnrolmentTokenView {
    return {
      id: r.id, nodeName: r.node_name, zone: r.zone, state: tokenState(r, at), createdAt: iso(r.created_at)!, expiresAt: iso(r.expires_at)!,
      usedAt: iso(r.used_at), usedByNodeId: r.used_by_node_id, revokedAt: iso(r.revoked_at),
    };
  }

  function toNodeView(r: NodeRow, at: Date): NodeView {
    const last = r.last_heartbeat_at === null ? null : new Date(r.last_heartbeat_at);
    return {
      id: r.id, orgId: r.org_id, orgName: r.org_name, code: r.code, name: r.name, zone: r.zone, publicKey: r.public_key, version: r.version,
      address: r.address, contact: r.contact, status: r.status, enrolledAt: iso(r.enrolled_at)!, decidedAt: iso(r.decided_at),
      rejectReason: r.reject_reason, revokedAt: iso(r.revoked_at), revokeReason: r.revoke_reason,
      online: r.status === 'approved' && last !== null && at.getTime() - last.getTime() <= NODE_ONLINE_WINDOW_MS,
      lastHeartbeatAt: iso(last), lastVersion: r.last_version, lastStatus: r.last_status,
      lastBacklog: r.last_backlog === null ? null : Number(r.last_backlog), lastDetail: r.last_detail, endpoints: endpointsOf(r.last_endpoints),
    };
  }

  /** Locks and returns a node the platform admin reviews, in the expected state. */
  async function reviewed(trx: Database, actor: Actor, id: string, from: NodeStatus, verb: string): Promise<NodeRow> {
    const repo = nodesRepository(trx);
    await repo.lock(id);
    const row = await repo.find(id);
    if (!row || !canSeeNode(actor, row.org_id)) throw notFound(id);
    if (!canReviewNodes(actor)) throw forbidden('Only the platform admin reviews and revokes exchange nodes (只有平台管理员可以审核或注销前置机).');
    if (row.status !== from) {
      throw new DomainError('NODE_STATE_INVALID', `Node ${row.name} is ${row.status}; only a ${from} node can be ${verb} (前置机当前状态不允许此操作).`, { status: row.status });
    }
    return row;
  }

  return {
    async createToken(actor: Actor, ctx: AuditContext, input: { nodeName: string; zone: NetworkZone; expiresInHours?: number }): Promise<{ id: string; token: string; expiresAt: string }> {
      if (!canManageEnrolmentTokens(actor)) throw forbidden('Only a department admin creates enrolment tokens for its department (只有部门管理员可以创建前置机注册令牌).');
      const nodeName = input.nodeName.trim();
      if (!nodeName) throw new DomainError('EXCHANGE_INVALID', 'nodeName must not be blank (前置机名称不能为空).', { field: 'nodeName' });
      const at = now();
      const hours = input.expiresInHours ?? 24;
      const token = `enr_${randomToken(24)}`;
      const expiresAt = new Date(at.getTime() + hours * 3_600_000);
      return db.transaction().execute(async (trx) => {
        const row = await nodesRepository(trx).insertToken({ orgId: actor.orgId, nodeName, zone: input.zone, tokenSm3: sm3Hex(token), expiresAt, createdBy: actor.userId, at });
        await recordAuditEvent(trx, ctx, {
          action: 'exchange.enrolment_token_created', targetType: 'enrolment_token', targetId: row.id,
          detail: { nodeName, zone: input.zone, expiresAt: expiresAt.toISOString() },
        }, at);
        return { id: row.id, token, expiresAt: expiresAt.toISOString() };
      });
    },

    async listTokens(actor: Actor): Promise<{ items: EnrolmentTokenView[] }> {
      if (!canManageEnrolmentTokens(actor)) throw forbidden('Only a department admin sees its enrolment tokens (只有部门管理员可以查看注册令牌).');
      const at = now();
      return { items: (await nodesRepository(db).listTokens(actor.orgId)).map((r) => toTokenView(r, at)) };
    },

    async revokeToken(actor: Actor, ctx: AuditContext, id: string): Promise<EnrolmentTokenView> {
      if (!canManageEnrolmentTokens(actor)) throw forbidden('Only a department admin revokes its enrolment tokens (只有部门管理员可以作废注册令牌).');
      const at = now();
      return db.transaction().execute(async (trx) => {
        const repo = nodesRepository(trx);
        const row = await repo.lockToken({ id });
        if (!row || row.org_id !== actor.orgId) throw tokenNotFound(id);
        const state = tokenState(row, at);
        if (state === 'used') throw new DomainError('ENROLMENT_TOKEN_USED', 'This enrolment token was already used; revoke the node instead (令牌已使用，如需停用请注销前置机).');
        if (state === 'revoked') return toTokenView(row, at);
        await repo.revokeToken(id, at);
        await recordAuditEvent(trx, ctx, { action: 'exchange.enrolment_token_revoked', targetType: 'enrolment_token', targetId: id, detail: { nodeName: row.node_name } }, at);
        return toTokenView({ ...row, revoked_at: at }, at);
      });
    },

    /** Called by the node agent with a one-time token; proves possession of the private key. */
    async enrol(ctx: AuditContext, input: EnrolInput): Promise<{ nodeId: string; status: 'pending' }> {
      const publicKey = input.publicKey.toLowerCase();
      if (!isValidPublicKey(publicKey)) {
        throw new DomainError('NODE_KEY_INVALID', 'publicKey must be an uncompressed SM2 public key: 04 + 128 hex characters, a point on the curve (公钥格式无效).', { field: 'publicKey' });
      }
      const at = now();
      return db.transaction().execute(async (trx) => {
        const repo = nodesRepository(trx);
        const token = await repo.lockToken({ tokenSm3: sm3Hex(input.token) });
        if (!token) throw new DomainError('ENROLMENT_TOKEN_INVALID', 'The enrolment token is not valid (注册令牌无效).');
        const state = tokenState(token, at);
        if (state === 'used') throw new DomainError('ENROLMENT_TOKEN_USED', 'The enrolment token was already used; ask the department admin for a new one (注册令牌已使用).');
        if (state === 'revoked') throw new DomainError('ENROLMENT_TOKEN_REVOKED', 'The enrolment token was revoked (注册令牌已作废).');
        if (state === 'expired') throw new DomainError('ENROLMENT_TOKEN_EXPIRED', 'The enrolment token has expired; ask the department admin for a new one (注册令牌已过期).');
        const { proof, ...fields } = input;
        if (!verifyNodeSignature(canonicalJson(fields), proof.toLowerCase(), publicKey)) {
          throw new DomainError('NODE_PROOF_INVALID', 'proof is not an SM2 signature of the enrolment fields by the private key of publicKey (私钥持有证明无效).', { field: 'proof' });
        }
        if (await repo.publicKeyTaken(publicKey)) {
          throw new DomainError('NODE_KEY_DUPLICATE', 'This public key is already registered; generate a new key pair for each node (公钥已被注册).', { field: 'publicKey' });
        }
        const nodeId = await repo.insertNode({
          orgId: token.org_id, name: input.name.trim(), zone: token.zone, publicKey, version: input.version,
          address: input.address ?? null, contact: input.contact ?? null, tokenId: token.id, at,
        });
        await repo.useToken(token.id, nodeId, at);
        await recordAuditEvent(trx, ctx, {
          action: 'exchange.node_enrolled', targetType: 'exchange_node', targetId: nodeId,
          detail: { orgId: token.org_id, name: input.name, zone: token.zone, tokenId: token.id, version: input.version },
        }, at);
        await notify(trx, {
          recipient: { roles: ['platform_admin'] }, kind: 'exchange.node_enrolled',
          title: `前置机“${input.name}”申请注册`, body: `新前置机“${input.name}”（${token.zone}）已提交注册，等待平台管理员审核。`, link: `/exchange/nodes/${nodeId}`,
        }, at);
        return { nodeId, status: 'pending' as const };
      });
    },

    async list(actor: Actor): Promise<{ items: NodeView[] }> {
      const at = now();
      if (canListAllNodes(actor)) return { items: (await nodesRepository(db).list(null)).map((r) => toNodeView(r, at)) };
      if (!actor.orgId || !canSeeNode(actor, actor.orgId)) throw forbidden('Only department users and the platform admin see exchange nodes (只有部门用户和平台管理员可以查看前置机).');
      return { items: (await nodesRepository(db).list(actor.orgId)).map((r) => toNodeView(r, at)) };
    },

    async get(actor: Actor, id: string): Promise<NodeView> {
      const row = await nodesRepository(db).find(id);
      if (!row || !canSeeNode(actor, row.org_id)) throw notFound(id);
      return toNodeView(row, now());
    },

    async approve(actor: Actor, ctx: AuditContext, id: string): Promise<NodeView> {
      const at = now();
      await db.transaction().execute(async (trx) => {
        const row = await reviewed(trx, actor, id, 'pending', 'approved');
        const repo = nodesRepository(trx);
        const code = nodeCodeOf(await repo.orgCodes(row.org_id), await repo.nextSequence(row.org_id));
        await repo.approve(id, { code, by: actor.userId, at });
        await recordAuditEvent(trx, ctx, { action: 'exchange.node_approved', targetType: 'exchange_node', targetId: id, detail: { name: row.name, orgId: row.org_id, code } }, at);
        await notify(trx, {
          recipient: { orgId: row.org_id, roles: ['dept_admin'] }, kind: 'exchange.node_approved',
          title: `前置机“${row.name}”已批准注册`, body: `前置机“${row.name}”已通过平台审核，节点编码 ${code}。`, link: `/exchange/nodes/${id}`,
        }, at);
      });
      return this.get(actor, id);
    },

    async reject(actor: Actor, ctx: AuditContext, id: string, reason: string): Promise<NodeView> {
      const at = now();
      const why = reason.trim();
      if (!why) throw new DomainError('EXCHANGE_INVALID', 'A reason is required (请填写驳回理由).', { field: 'reason' });
      await db.transaction().execute(async (trx) => {
        const row = await reviewed(trx, actor, id, 'pending', 'rejected');
        await nodesRepository(trx).reject(id, { reason: why, by: actor.userId, at });
        await recordAuditEvent(trx, ctx, { action: 'exchange.node_rejected', targetType: 'exchange_node', targetId: id, detail: { name: row.name, orgId: row.org_id, reason: why } }, at);
        await notify(trx, {
          recipient: { orgId: row.org_id, roles: ['dept_admin'] }, kind: 'exchange.node_rejected',
          title: `前置机“${row.name}”注册被驳回`, body: `驳回理由：${why}`, link: `/exchange/nodes/${id}`,
        }, at);
      });
      return this.get(actor, id);
    },

    async revoke(actor: Actor, ctx: AuditContext, id: string, reason: string): Promise<NodeView> {
      const at = now();
      const why = reason.trim();
      if (!why) throw new DomainError('EXCHANGE_INVALID', 'A reason is required (请填写注销理由).', { field: 'reason' });
      await db.transaction().execute(async (trx) => {
        const row = await reviewed(trx, actor, id, 'approved', 'revoked');
        await nodesRepository(trx).revoke(id, { reason: why, by: actor.userId, at });
        await recordAuditEvent(trx, ctx, { action: 'exchange.node_revoked', targetType: 'exchange_node', targetId: id, detail: { name: row.name, orgId: row.org_id, code: row.code, reason: why } }, at);
        await notify(trx, {
          recipient: { orgId: row.org_id, roles: ['dept_admin'] }, kind: 'exchange.node_revoked',
          title: `前置机“${row.name}”已被注销`, body: `注销理由：${why}`, link: `/exchange/nodes/${id}`,
        }, at);
      });
      return this.get(actor, id);
    },

    /**
     * Checks a signed node call (X-Node-Id, X-Timestamp, X-Nonce, X-Signature) against the node's registered key;
     * only approved nodes pass. Every signed node route starts here.
     */
    async authenticate(req: NodeRequest): Promise<AuthenticatedNode> {
      const at = now();
      const unknown = () => new DomainError('SIGNATURE_INVALID', 'Unknown node or bad signature (节点身份验证失败).');
      if (!req.nodeId || !UUID.test(req.nodeId)) throw unknown();
      const row = await nodesRepository(db).find(req.nodeId);
      if (!row) throw unknown();
      const check = await verifyNodeRequest({ nodeId: row.id, publicKey: row.public_key, signature: req.signature, parts: req.parts, nonces, now: at.getTime() });
      if (!check.ok) throw new DomainError(check.code, `Signed request refused: ${check.reason} (签名校验失败).`);
      return approvedNode(row);
    },

    /** The approved node with this id, without a request signature (the mailbox gateway, whose messages carry their own). */
    async findApproved(nodeId: string): Promise<AuthenticatedNode> {
      const row = UUID.test(nodeId) ? await nodesRepository(db).find(nodeId) : undefined;
      if (!row) throw notFound(nodeId);
      return approvedNode(row);
    },

    /** Records a heartbeat of an authenticated node (its reported endpoints too, when sent). */
    async recordHeartbeat(node: AuthenticatedNode, body: HeartbeatInput | undefined): Promise<{ nodeId: string; code: string; receivedAt: string }> {
      const at = now();
      if (!body) throw new DomainError('EXCHANGE_INVALID', 'The heartbeat body must be JSON {version, status, backlog, detail?, endpoints?} (心跳内容无效).');
      await nodesRepository(db).recordHeartbeat(node.id, {
        at, version: body.version, status: body.status, backlog: body.backlog, detail: body.detail ?? null, endpoints: body.endpoints,
      });
      return { nodeId: node.id, code: node.code, receivedAt: at.toISOString() };
    },

    /** A node's signed heartbeat: verified against its registered key; only approved nodes. */
    async heartbeat(input: NodeRequest & { body: HeartbeatInput | undefined }): Promise<{ nodeId: string; code: string; receivedAt: string }> {
      const node = await this.authenticate(input);
      return this.recordHeartbeat(node, input.body);
    },
  };
}

export type NodesService = ReturnType<typeof createNodesService>;
