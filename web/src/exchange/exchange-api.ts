import { api } from '../api/client';
import {
  NETWORK_ZONES, type EnrolmentTokenView, type NetworkZone, type NodeStatus, type NodeView, type TokenState,
} from '@shared/exchange/nodes.types';

/** 数据交换：前置机注册 (docs/exchange-api.md). Views come from the server (src/modules/exchange/nodes.types.ts). */

export type Zone = NetworkZone;
export const ZONES = NETWORK_ZONES;
export type EnrolmentToken = EnrolmentTokenView;
export type ExchangeNode = NodeView;
export type { NodeStatus, TokenState };

/** What creating an enrolment token returns; the token is shown only here. */
export interface CreatedToken {
  id: string;
  token: string;
  expiresAt: string;
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
