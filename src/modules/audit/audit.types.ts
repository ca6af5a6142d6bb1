/**
 * Every audited action with the label the auditor sees (审计日志). A module adds its actions here, so the
 * console's filter and table name them all without a copy of this list.
 */
export const AUDIT_ACTION_LABELS = {
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
  'census.system_created': '新增信息系统',
  'census.system_updated': '修改信息系统',
  'census.system_deleted': '删除信息系统',
  'census.resource_linked': '关联信息资源',
  'census.resource_unlinked': '取消关联信息资源',
  'census.imported': '导入普查表',
  'census.exported': '导出普查表',
  'catalog.resource_created': '新建信息资源',
  'catalog.version_created': '生成新版本',
  'catalog.version_updated': '修改资源草稿',
  'catalog.submitted': '提交目录审核',
  'catalog.approved': '目录审核通过',
  'catalog.returned': '目录退回修改',
  'catalog.retired': '资源下架',
  'catalog.imported': '导入目录',
  'catalog.exported': '导出目录',
  'sharing.request_created': '提交共享申请',
  'sharing.request_forwarded': '共享申请提交复核',
  'sharing.request_approved': '同意共享申请',
  'sharing.request_refused': '拒绝共享申请',
  'sharing.request_withdrawn': '撤回共享申请',
  'sharing.request_overdue': '共享申请审核超期',
  'sharing.attachment_added': '上传申请附件',
  'sharing.grant_created': '授权生效',
  'sharing.grant_renewed': '授权续期',
  'sharing.grant_revoked': '撤销授权',
  'sharing.grant_expired': '授权到期',
  'sharing.error_report_created': '提交数据纠错',
  'sharing.error_report_replied': '答复数据纠错',
  'sharing.settings_updated': '修改共享设置',
  'sharing.calendar_updated': '修改工作日历',
  'data.app_created': '创建应用',
  'data.app_secret_rotated': '重置应用密钥',
  'data.app_disabled': '停用应用',
  'data.app_enabled': '启用应用',
  'data.grant_app_set': '授权指定应用',
  'data.file_version_added': '上传文件资源版本',
  'data.proxy_endpoint_set': '设置接口代理地址',
  'data.datastore_defined': '定义数据存储',
  'data.loaded': '装载数据',
  'data.load_failed': '数据装载失败',
  'exchange.enrolment_token_created': '创建前置机注册令牌',
  'exchange.enrolment_token_revoked': '作废前置机注册令牌',
  'exchange.node_enrolled': '前置机申请注册',
  'exchange.node_approved': '批准前置机注册',
  'exchange.node_rejected': '驳回前置机注册',
  'exchange.node_revoked': '注销前置机',
  'exchange.task_created': '创建发布任务',
  'exchange.task_updated': '修改发布任务',
  'exchange.task_paused': '暂停发布任务',
  'exchange.task_resumed': '恢复发布任务',
  'exchange.task_run_requested': '立即执行发布任务',
  'exchange.subscription_created': '创建订阅',
  'exchange.subscription_updated': '修改订阅',
  'exchange.subscription_paused': '暂停订阅',
  'exchange.subscription_resumed': '恢复订阅',
  'exchange.batch_retried': '重试交换批次',
  'exchange.delivery_retried': '重试投递',
  'exchange.log_exported': '导出交换日志',
  'exchange.reconciliation_requested': '发起对账',
} as const satisfies Record<string, string>;

export type AuditAction = keyof typeof AUDIT_ACTION_LABELS;
export const AUDIT_ACTIONS = Object.keys(AUDIT_ACTION_LABELS) as AuditAction[];

/** Who did it and from where; null actor for anonymous actions (a failed login). */
export interface AuditContext {
  actor: { userId: string; username: string; orgId: string | null } | null;
  ip: string | null;
}

export interface AuditEventInput {
  action: AuditAction;
  targetType?: 'user' | 'org' | 'session' | 'audit' | 'route' | 'census_system' | 'resource' | 'catalog' | 'share_request' | 'grant' | 'error_report' | 'sharing_settings' | 'sharing_calendar' | 'app' | 'exchange_node' | 'exchange_task' | 'exchange_subscription' | 'enrolment_token' | 'exchange_batch' | 'exchange_delivery' | 'exchange_log' | 'exchange_reconciliation';
  targetId?: string;
  /** Facts an auditor needs; never passwords, tokens or personal data beyond names. */
  detail?: Record<string, unknown>;
}

export interface AuditEventView {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
  ip: string | null;
  hash: string;
}

export interface AuditFilters {
  q?: string;
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
}
