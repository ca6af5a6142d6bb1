/**
 * The exchange node registry's views (import-free: the console imports them through @shared).
 */
export type NetworkZone = '政务外网' | '互联网' | '专网';
export type NodeStatus = 'pending' | 'approved' | 'rejected' | 'revoked';
export type TokenState = 'active' | 'used' | 'expired' | 'revoked';

export const NETWORK_ZONES: readonly NetworkZone[] = ['政务外网', '互联网', '专网'];

export interface EnrolmentTokenView {
  id: string;
  nodeName: string;
  zone: NetworkZone;
  state: TokenState;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  usedByNodeId: string | null;
  revokedAt: string | null;
}

import type { NodeEndpoint } from './flows.types.js';
export type { NodeEndpoint };

/** An approved node whose identity was checked (signed request, or the mailbox gateway's configured node). */
export interface AuthenticatedNode { id: string; orgId: string; code: string; name: string; publicKey: string }

export interface NodeView {
  id: string;
  orgId: string;
  orgName: string;
  /** Assigned on approval: region code (6) + org code from the USCC (9) + sequence (3). */
  code: string | null;
  name: string;
  zone: NetworkZone;
  publicKey: string;
  version: string;
  address: string | null;
  contact: string | null;
  status: NodeStatus;
  enrolledAt: string;
  decidedAt: string | null;
  rejectReason: string | null;
  revokedAt: string | null;
  revokeReason: string | null;
  online: boolean;
  lastHeartbeatAt: string | null;
  lastVersion: string | null;
  lastStatus: string | null;
  lastBacklog: number | null;
  lastDetail: string | null;
  /** Sources and targets the node reported in its last heartbeat (empty until it reports). */
  endpoints: NodeEndpoint[];
}
