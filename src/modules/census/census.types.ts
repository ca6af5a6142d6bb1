/**
 * Information-system census (信息系统普查, DOMAIN.md §11, seed 003 annexes 2–3). Enumerations use the
 * questionnaire's own Chinese wording, as the catalog types do, so that the form, the API and the
 * Excel file say the same thing.
 */

/** 自建系统 (annex 2) or 垂管系统 deployed by a ministry or province (annex 3). */
export const SYSTEM_KINDS = ['自建', '垂管'] as const;
export type SystemKind = (typeof SYSTEM_KINDS)[number];

/** 运行状态: 正在运行 / 停止运行 / 其他 */
export const SYSTEM_STATUSES = ['运行', '停止', '其他'] as const;
export type SystemStatus = (typeof SYSTEM_STATUSES)[number];

/** 运行网络 */
export const NETWORKS = ['电子政务内网', '电子政务外网', '业务专网', '互联网'] as const;
export type Network = (typeof NETWORKS)[number];

/** 使用范围 */
export const USAGE_SCOPES = ['科室内部', '本部门或管理单位', '横向跨部门', '纵向到基层'] as const;
export type UsageScope = (typeof USAGE_SCOPES)[number];

/** 使用频度, exactly the annex's list (填写说明 10). */
export const FREQUENCIES = ['每日', '每周', '每月', '每季度', '每年', '按需'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** Everything a questionnaire says about one system (the editable part). */
export interface CensusSystemInput {
  kind: SystemKind;
  name: string;
  status: SystemStatus;
  functionDesc: string | null;
  /** 信息资源名称 as written on the form; the catalog links are separate. */
  resourceNames: string | null;
  network: Network;
  classified: boolean;
  securityLevel: string | null;
  secrecyClause: string | null;
  /** 是否可通过相关设备连接到电子政务外网或者互联网 */
  canConnect: boolean | null;
  connectMethod: string | null;
  noConnectReason: string | null;
  accessAddress: string | null;
  websiteIntensive: boolean | null;
  usageScope: UsageScope | null;
  usageScopeDetail: string | null;
  /** null: 不固定 or not stated */
  userCount: number | null;
  frequency: Frequency;
  ownerDivision: string | null;
  ownerName: string | null;
  ownerTitle: string | null;
  ownerPhone: string | null;
  approver: string | null;
  /** yyyy-mm-dd */
  approvalDate: string | null;
  builder: string | null;
  buildDate: string | null;
  warrantyYears: number | null;
  /** 万元 */
  buildBudget: number | null;
  buildBudgetSource: string | null;
  /** 万元 per year */
  omBudget: number | null;
  omBudgetSource: string | null;
  omUnit: string | null;
  /** 已经单独向其他部门提供的信息资源 (free text: resource, department, method per line) */
  providedTo: string | null;
  /** 已从其他部门获取的信息资源 */
  obtainedFrom: string | null;
  /** 需其他部门提供的信息资源 */
  neededFrom: string | null;
  techSupport: string | null;
  remarks: string | null;
  manualZombie: boolean;
  manualZombieReason: string | null;
}

export const ZOMBIE_REASONS = ['stopped', 'rarely_used', 'not_connected', 'unmaintained', 'manual'] as const;
export type ZombieReasonCode = (typeof ZOMBIE_REASONS)[number];

export const ZOMBIE_REASON_LABELS: Record<ZombieReasonCode, string> = {
  stopped: '停止运行',
  rarely_used: '使用范围小、频度低',
  not_connected: '未接入共享（信息孤岛）',
  unmaintained: '无运维经费',
  manual: '人工标记',
};

export interface ZombieReason {
  code: ZombieReasonCode;
  label: string;
  /** Why this system matched, in Chinese, for the clean-up list. */
  detail: string;
}

export interface LinkedResource {
  id: string;
  code: string;
  name: string | null;
}

export interface CensusSystemView extends CensusSystemInput {
  id: string;
  orgId: string;
  orgName: string;
  resources: LinkedResource[];
  zombie: { isZombie: boolean; reasons: ZombieReason[] };
  createdAt: string;
  updatedAt: string;
}

/** One problem in an import file, named by the row number and header a clerk sees in Excel. */
export interface CensusImportError {
  row: number;
  column: string;
  message: string;
}
