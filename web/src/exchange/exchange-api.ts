import { api } from '../api/client';

/** 数据交换：前置机注册 (docs/exchange-api.md). Shapes mirror src/modules/exchange/nodes.schemas.ts. */

export type Zone = '政务外网' | '互联网' | '专网';
export const ZONES: Zone[] = ['政务外网', '互联网', '专网'];

export type NodeStatus = 'pending' | 'approved' | 'rejected' | 'revoked';
export type TokenState = 'active' | 'used' | 'expired' | 'revoked';

export interface CreatedToken {
  id: string;
  token: string;
  expiresAt: string;
}

export interface EnrolmentToken {
  id: string;
  nodeName: string;
  zone: Zone;
  state: TokenState;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  usedByNodeId: string | null;
  revokedAt: string | null;
}

export interface ExchangeNode {
  id: string;
  orgId: string;
  orgName: string;
  code: string | null;
  name: string;
  zone: Zone;
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
}

export const exchangeApi = {
  createToken: (body: { nodeName: string; zone: Zone; expiresInHours?: number }) => api.post<CreatedToken>('/exchange/enrolment-tokens', body),
  tokens: async () => (await api.get<{ items: EnrolmentToken[] }>('/exchange/enrolment-tokens')).items,
  revokeToken: (id: string) => api.post<unknown>(`/exchange/enrolment-tokens/${encodeURIComponent(id)}/revoke`),
  nodes: async () => (await api.get<{ items: ExchangeNode[] }>('/exchange/nodes')).items,
  approve: (id: string) => api.post<ExchangeNode>(`/exchange/nodes/${encodeURIComponent(id)}/approve`),
  reject: (id: string, reason: string) => api.post<ExchangeNode>(`/exchange/nodes/${encodeURIComponent(id)}/reject`, { reason }),
  revoke: (id: string, reason: string) => api.post<ExchangeNode>(`/exchange/nodes/${encodeURIComponent(id)}/revoke`, { reason }),
};
