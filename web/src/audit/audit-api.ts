import { api, apiUrl, type Query } from '../api/client';
import type { AuditEvent, AuditVerifyResult, Page } from '../api/types';

export interface AuditFilters {
  q?: string;
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
}

export const auditApi = {
  list: (filters: AuditFilters, limit: number, offset: number) =>
    api.get<Page<AuditEvent>>('/audit', { ...filters, limit, offset } as Query),
  verify: () => api.get<AuditVerifyResult>('/audit/verify'),
  /** A plain GET link: the browser downloads it with the session cookie (no CSRF needed for GET). */
  exportUrl: (filters: AuditFilters, format: 'csv' | 'xlsx') => apiUrl('/audit/export', { format, ...filters } as Query),
};

/** Chinese labels of the audit action names of the contract. */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  'auth.login': '登录成功',
  'auth.login_failed': '登录失败',
  'auth.locked': '账号锁定',
  'auth.logout': '退出登录',
  'auth.password_changed': '修改密码',
  'user.created': '创建账号',
  'user.updated': '修改账号',
  'user.roles_changed': '变更角色',
  'user.password_reset': '重置密码',
  'user.unlocked': '解锁账号',
  'user.disabled': '禁用账号',
  'user.enabled': '启用账号',
  'org.created': '新增部门',
  'org.updated': '修改部门',
  'audit.exported': '导出审计日志',
  'audit.pruned': '清理审计日志',
  'access.denied': '拒绝访问',
};

export function auditActionLabel(action: string): string {
  return AUDIT_ACTION_LABELS[action] ?? action;
}
