import type { Role } from '../api/types';

/** Console areas and the roles that may open them; mirrors the server's policies. */
export type Area =
  | 'home'
  | 'orgs'
  | 'users'
  | 'catalog'
  | 'catalogDepartment'
  | 'catalogEdit'
  | 'catalogReview'
  | 'catalogImport'
  | 'census'
  | 'shareRequests'
  | 'shareReview'
  | 'shareGrants'
  | 'errorReports'
  | 'sharingSettings'
  | 'dataServices'
  | 'dataApps'
  | 'dataCalls'
  | 'dataManage'
  | 'dataApiDoc'
  | 'exchangeNodes'
  | 'exchangeTasks'
  | 'exchangeSubscriptions'
  | 'exchangeReconciliations'
  | 'exchangeMonitoring'
  | 'notifications'
  | 'audit'
  | 'system'
  | 'profile';

const AREA_ROLES: Record<Area, Role[] | 'everyone'> = {
  home: 'everyone',
  orgs: ['platform_admin', 'sec_admin', 'dept_admin'],
  users: ['sec_admin', 'dept_admin'],
  /** 共享目录 and resource details: every signed-in user. */
  catalog: 'everyone',
  /** 本部门目录: the department's members; the platform admin sees any department's. */
  catalogDepartment: ['dept_admin', 'dept_user', 'platform_admin'],
  /** Create, edit, submit and retire resources (no menu entry: reached from 本部门目录). */
  catalogEdit: ['dept_admin', 'platform_admin'],
  catalogReview: ['platform_admin'],
  catalogImport: ['dept_admin', 'platform_admin'],
  census: ['platform_admin', 'dept_admin', 'dept_user'],
  /** 我的申请 (the department's share requests; applying starts from a resource's detail). */
  shareRequests: ['dept_admin', 'dept_user'],
  /** 共享审核: the provider's dept_admin; the platform admin for 待复核 and oversight. */
  shareReview: ['dept_admin', 'platform_admin'],
  /** 授权管理, and one share request's detail (applicant, provider, platform admin). */
  shareGrants: ['dept_admin', 'dept_user', 'platform_admin'],
  /** 数据纠错: report errors in other departments' data; the provider's dept_admin replies. */
  errorReports: ['dept_admin', 'dept_user'],
  sharingSettings: ['platform_admin'],
  /** 数据服务资源: the department's published resources (provider) and the grants it holds (consumer). */
  dataServices: ['dept_admin', 'dept_user'],
  /** 应用管理: the dept_admin registers applications; department users see them. */
  dataApps: ['dept_admin', 'dept_user'],
  /** 调用日志: a department sees its calls as provider or consumer; the platform admin and the auditor see all. */
  dataCalls: ['dept_admin', 'dept_user', 'platform_admin', 'auditor'],
  /** 数据装载, 文件版本, 接口代理 of one resource (no menu entry: reached from 数据服务资源 or the resource's detail). */
  dataManage: ['dept_admin', 'dept_user', 'platform_admin'],
  /** 接口文档 of one resource (any department user; the platform admin for oversight). */
  dataApiDoc: ['dept_admin', 'dept_user', 'platform_admin'],
  /** 前置机管理: the department's nodes and enrolment tokens (dept_admin); the platform admin approves all. */
  exchangeNodes: ['dept_admin', 'dept_user', 'platform_admin'],
  /** 发布任务: the provider's dept_admin configures them; department users, the platform admin and the auditor read. */
  exchangeTasks: ['dept_admin', 'dept_user', 'platform_admin', 'auditor'],
  /** 数据订阅: the consumer's dept_admin configures them; the provider sees subscriptions to its resources. */
  exchangeSubscriptions: ['dept_admin', 'dept_user', 'platform_admin', 'auditor'],
  /** 对账: the provider's dept_admin (and the platform admin) request one for a task; the others read. */
  exchangeReconciliations: ['dept_admin', 'dept_user', 'platform_admin', 'auditor'],
  /** 交换监控: batches, deliveries, runs, failures (重试 by dept_admin / platform_admin), exchange log, volume. */
  exchangeMonitoring: ['dept_admin', 'dept_user', 'platform_admin', 'auditor'],
  /** 消息中心 (the header's bell): everyone. */
  notifications: 'everyone',
  audit: ['auditor'],
  system: ['sys_admin'],
  profile: 'everyone',
};

export function canAccess(roles: readonly Role[], area: Area): boolean {
  const allowed = AREA_ROLES[area];
  return allowed === 'everyone' || roles.some((role) => allowed.includes(role));
}

export function hasRole(roles: readonly Role[], role: Role): boolean {
  return roles.includes(role);
}
