import { sql } from 'kysely';
import type { Database } from '../../platform/db/database.js';
import type { Selectable } from 'kysely';
import type { ExchangeEnrolmentTokensTable, ExchangeNodesTable, NetworkZone } from './exchange.tables.js';
import type { NodeEndpoint } from './flows.types.js';

const tokenColumns = ['id', 'org_id', 'node_name', 'zone', 'expires_at', 'created_at', 'used_at', 'used_by_node_id', 'revoked_at'] as const;

export type TokenRow = Pick<Selectable<ExchangeEnrolmentTokensTable>, (typeof tokenColumns)[number]>;

/** A node with its department's name; the endpoints as stored (parsed where they are shown). */
export type NodeRow = Omit<Selectable<ExchangeNodesTable>, 'enrolment_token_id' | 'decided_by' | 'revoked_by' | 'silent_alerted_at' | 'last_endpoints'>
  & { org_name: string; last_endpoints: unknown };

export function nodesRepository(db: Database) {
  const nodes = () =>
    db.selectFrom('exchange_nodes as n')
      .innerJoin('identity_orgs as o', 'o.id', 'n.org_id')
      .select([
        'n.id', 'n.org_id', 'o.name as org_name', 'n.code', 'n.name', 'n.zone', 'n.public_key', 'n.version', 'n.address', 'n.contact',
        'n.status', 'n.enrolled_at', 'n.decided_at', 'n.reject_reason', 'n.revoked_at', 'n.revoke_reason', 'n.last_heartbeat_at',
        'n.last_version', 'n.last_status', 'n.last_backlog', 'n.last_detail', 'n.last_endpoints',
      ]);

  return {
    async insertToken(values: { orgId: string; nodeName: string; zone: NetworkZone; tokenSm3: string; expiresAt: Date; createdBy: string; at: Date }): Promise<TokenRow> {
      return db.insertInto('exchange_enrolment_tokens').values({
        org_id: values.orgId, node_name: values.nodeName, zone: values.zone, token_sm3: values.tokenSm3,
        expires_at: values.expiresAt, created_by: values.createdBy, created_at: values.at,
      }).returning(tokenColumns).executeTakeFirstOrThrow();
    },

    async listTokens(orgId: string): Promise<TokenRow[]> {
      return db.selectFrom('exchange_enrolment_tokens').select(tokenColumns).where('org_id', '=', orgId).orderBy('created_at', 'desc').orderBy('id').execute();
    },

    /** The token row, locked for the rest of the transaction. */
    async lockToken(where: { id: string } | { tokenSm3: string }): Promise<TokenRow | undefined> {
      let q = db.selectFrom('exchange_enrolment_tokens').select(tokenColumns).forUpdate();
      q = 'id' in where ? q.where('id', '=', where.id) : q.where('token_sm3', '=', where.tokenSm3);
      return q.executeTakeFirst();
    },

    async revokeToken(id: string, at: Date): Promise<void> {
      await db.updateTable('exchange_enrolment_tokens').set({ revoked_at: at }).where('id', '=', id).execute();
    },

    async useToken(id: string, nodeId: string, at: Date): Promise<void> {
      await db.updateTable('exchange_enrolment_tokens').set({ used_at: at, used_by_node_id: nodeId }).where('id', '=', id).execute();
    },

    async publicKeyTaken(publicKey: string): Promise<boolean> {
      return (await db.selectFrom('exchange_nodes').select('id').where('public_key', '=', publicKey).executeTakeFirst()) !== undefined;
    },

    async insertNode(values: {
      orgId: string; name: string; zone: NetworkZone; publicKey: string; version: string; address: string | null; contact: string | null; tokenId: string; at: Date;
    }): Promise<string> {
      const row = await db.insertInto('exchange_nodes').values({
        org_id: values.orgId, name: values.name, zone: values.zone, public_key: values.publicKey, version: values.version,
        address: values.address, contact: values.contact, status: 'pending', enrolment_token_id: values.tokenId, enrolled_at: values.at,
      }).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },

    async list(orgId: string | null): Promise<NodeRow[]> {
      let q = nodes();
      if (orgId !== null) q = q.where('n.org_id', '=', orgId);
      return q.orderBy('n.enrolled_at', 'desc').orderBy('n.id').execute();
    },

    async find(id: string): Promise<NodeRow | undefined> {
      return nodes().where('n.id', '=', id).executeTakeFirst();
    },

    async lock(id: string): Promise<void> {
      await db.selectFrom('exchange_nodes').select('id').where('id', '=', id).forUpdate().execute();
    },

    /** The next node-code sequence of a department: one upsert, so concurrent approvals never share a number. */
    async nextSequence(orgId: string): Promise<number> {
      const row = await db.insertInto('exchange_node_sequences').values({ org_id: orgId, last_seq: 1 })
        .onConflict((oc) => oc.column('org_id').doUpdateSet({ last_seq: sql`exchange_node_sequences.last_seq + 1` }))
        .returning('last_seq').executeTakeFirstOrThrow();
      return row.last_seq;
    },

    async orgCodes(orgId: string): Promise<{ uscc: string; region_code: string }> {
      return db.selectFrom('identity_orgs').select(['uscc', 'region_code']).where('id', '=', orgId).executeTakeFirstOrThrow();
    },

    async approve(id: string, values: { code: string; by: string; at: Date }): Promise<void> {
      await db.updateTable('exchange_nodes').set({ status: 'approved', code: values.code, decided_by: values.by, decided_at: values.at }).where('id', '=', id).execute();
    },

    async reject(id: string, values: { reason: string; by: string; at: Date }): Promise<void> {
      await db.updateTable('exchange_nodes').set({ status: 'rejected', reject_reason: values.reason, decided_by: values.by, decided_at: values.at }).where('id', '=', id).execute();
    },

    async revoke(id: string, values: { reason: string; by: string; at: Date }): Promise<void> {
      await db.updateTable('exchange_nodes').set({ status: 'revoked', revoke_reason: values.reason, revoked_by: values.by, revoked_at: values.at }).where('id', '=', id).execute();
    },

    /** Also clears silent_alerted_at: the node is heard again, so a later silence alerts anew. Endpoints stay as they were when not reported. */
    async recordHeartbeat(id: string, values: { at: Date; version: string; status: string; backlog: number; detail: string | null; endpoints?: NodeEndpoint[] }): Promise<void> {
      await db.updateTable('exchange_nodes').set({
        last_heartbeat_at: values.at, last_version: values.version, last_status: values.status, last_backlog: values.backlog, last_detail: values.detail,
        silent_alerted_at: null,
        ...(values.endpoints === undefined ? {} : { last_endpoints: JSON.stringify(values.endpoints) }),
      }).where('id', '=', id).execute();
    },
  };
}
