import { api } from '../api/client';
import type { Org, OrgLevel, Page, Region, Role, User } from '../api/types';

export interface OrgInput {
  name: string;
  uscc: string;
  regionCode: string;
  parentId?: string | null;
  level: OrgLevel;
}

export type OrgPatch = Partial<Omit<OrgInput, 'uscc'>>;

export interface UserQuery {
  orgId?: string;
  q?: string;
  limit?: number;
  offset?: number;
}

export interface UserInput {
  username: string;
  password: string;
  displayName: string;
  orgId: string;
  roles: Role[];
}

export interface UserPatch {
  displayName?: string;
  roles?: Role[];
  disabled?: boolean;
}

export const identityApi = {
  listOrgs: () => api.get<{ items: Org[] }>('/orgs').then((r) => r.items),
  createOrg: (input: OrgInput) => api.post<Org>('/orgs', input),
  updateOrg: (id: string, patch: OrgPatch) => api.patch<Org>(`/orgs/${encodeURIComponent(id)}`, patch),
  searchRegions: (q: string) => api.get<{ items: Region[] }>('/regions', { q }).then((r) => r.items),

  listUsers: (query: UserQuery) => api.get<Page<User>>('/users', { ...query }),
  createUser: (input: UserInput) => api.post<User>('/users', input),
  updateUser: (id: string, patch: UserPatch) => api.patch<User>(`/users/${encodeURIComponent(id)}`, patch),
  resetPassword: (id: string, password: string) =>
    api.post<void>(`/users/${encodeURIComponent(id)}/reset-password`, { password }),
  unlockUser: (id: string) => api.post<void>(`/users/${encodeURIComponent(id)}/unlock`),
};

export interface OrgNode extends Org {
  children?: OrgNode[];
}

/** Arranges the flat org list as a forest (orphans whose parent is unknown become roots). */
export function buildOrgTree(orgs: Org[]): OrgNode[] {
  const nodes = new Map<string, OrgNode>(orgs.map((org) => [org.id, { ...org }]));
  const roots: OrgNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined;
    if (parent) (parent.children ??= []).push(node);
    else roots.push(node);
  }
  return roots;
}

/** ID of `orgId` and all its descendants, to keep a department from becoming its own ancestor. */
export function descendantIds(orgs: Org[], orgId: string): Set<string> {
  const result = new Set<string>([orgId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const org of orgs) {
      if (org.parentId && result.has(org.parentId) && !result.has(org.id)) {
        result.add(org.id);
        grew = true;
      }
    }
  }
  return result;
}
