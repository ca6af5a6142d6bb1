import type { ColumnType, Generated } from 'kysely';
import type { Timestamp } from '../../platform/db/column-types.js';
import type { NetworkZone, NodeStatus } from './nodes.types.js';

export type { NetworkZone, NodeStatus };

export interface ExchangeEnrolmentTokensTable {
  id: Generated<string>;
  org_id: string;
  node_name: string;
  zone: NetworkZone;
  token_sm3: string;
  expires_at: Timestamp;
  created_by: string | null;
  created_at: Timestamp;
  used_at: Timestamp | null;
  used_by_node_id: string | null;
  revoked_at: Timestamp | null;
}

export interface ExchangeNodesTable {
  id: Generated<string>;
  org_id: string;
  code: string | null;
  name: string;
  zone: NetworkZone;
  public_key: string;
  version: string;
  address: string | null;
  contact: string | null;
  status: NodeStatus;
  enrolment_token_id: string;
  enrolled_at: Timestamp;
  decided_by: string | null;
  decided_at: Timestamp | null;
  reject_reason: string | null;
  revoked_by: string | null;
  revoked_at: Timestamp | null;
  revoke_reason: string | null;
  last_heartbeat_at: Timestamp | null;
  last_version: string | null;
  last_status: string | null;
  /** bigint: read as a string on both engines. */
  last_backlog: ColumnType<string | null, number | null, number | null>;
  last_detail: string | null;
}

export interface ExchangeNodeSequencesTable {
  org_id: string;
  last_seq: number;
}

/** The exchange module's tables; src/platform/db/schema.ts composes them into DB. */
export interface ExchangeTables {
  exchange_enrolment_tokens: ExchangeEnrolmentTokensTable;
  exchange_nodes: ExchangeNodesTable;
  exchange_node_sequences: ExchangeNodeSequencesTable;
}
