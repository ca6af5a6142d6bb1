import type { MaskingKind } from './masking.js';

export const REQUEST_STATUSES = ['pending', 'second_review', 'approved', 'refused', 'withdrawn'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
/** Statuses in which a request waits for an answer and its deadline runs. */
export const OPEN_REQUEST_STATUSES: readonly RequestStatus[] = ['pending', 'second_review'];

export const GRANT_STATUSES = ['active', 'revoked', 'expired'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

export const ERROR_REPORT_STATUSES = ['open', 'confirmed', 'rejected', 'corrected'] as const;
export type ErrorReportStatus = (typeof ERROR_REPORT_STATUSES)[number];
/** Statuses in which the provider still owes a verification or correction; the deadline runs. */
export const OPEN_ERROR_REPORT_STATUSES: readonly ErrorReportStatus[] = ['open', 'confirmed'];

export const SHARE_TYPES = { unconditional: '无条件共享', conditional: '有条件共享', none: '不予共享' } as const;

export interface SharingSettings {
  /** Working days the provider has to answer a request (国务院令第809号: 10). */
  reviewDeadlineDays: number;
  errorReportDeadlineDays: number;
  /** A platform admin reviews every request the provider approved (复核). */
  secondReviewEnabled: boolean;
  defaultDailyQuota: number;
}

/** The terms of a grant as the provider (and reviewer) decided them. */
export interface GrantTerms {
  items: string[];
  validTo: string;
  masking: Record<string, MaskingKind>;
  dailyQuota: number;
}

export interface HistoryEntry {
  action: string;
  actor: string | null;
  orgName: string | null;
  at: string;
  comment: string | null;
}

/** The body of POST /share-requests (申请共享). */
export interface CreateRequestInput {
  resourceId: string;
  items: string[];
  purpose: string;
  basis: string;
  applicationName: string;
  validFrom: string;
  validTo: string;
}

export interface ShareRequestView {
  id: string;
  resourceId: string;
  resourceCode: string;
  resourceName: string;
  shareType: string;
  providerOrgId: string;
  providerName: string;
  applicantOrgId: string;
  applicantOrgName: string;
  applicantUsername: string;
  applicationName: string;
  items: string[];
  purpose: string;
  basis: string;
  validFrom: string;
  validTo: string;
  status: RequestStatus;
  createdAt: string;
  deadline: string | null;
  workingDaysLeft: number | null;
  overdue: boolean;
  decidedAt: string | null;
  decisionReason: string | null;
  renewalOfGrantId: string | null;
  decision: GrantTerms | null;
}

export interface AttachmentView {
  id: string;
  filename: string;
  size: number;
  sm3: string;
  createdAt: string;
}

export interface ShareRequestDetail extends ShareRequestView {
  history: HistoryEntry[];
  attachments: AttachmentView[];
  grantId: string | null;
}

export interface GrantView {
  id: string;
  requestId: string;
  resourceId: string;
  resourceCode: string;
  resourceName: string;
  providerOrgId: string;
  providerName: string;
  consumerOrgId: string;
  consumerOrgName: string;
  applicationName: string;
  items: string[];
  masking: Record<string, MaskingKind>;
  validFrom: string;
  validTo: string;
  dailyQuota: number;
  status: GrantStatus;
  /** active, and today (CST) within validFrom..validTo. */
  effective: boolean;
  createdAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
}

export interface ErrorReportView {
  id: string;
  resourceId: string;
  resourceCode: string;
  resourceName: string;
  providerOrgId: string;
  providerName: string;
  reporterOrgId: string;
  reporterOrgName: string;
  reporterUsername: string;
  recordKey: string | null;
  itemName: string | null;
  description: string;
  status: ErrorReportStatus;
  createdAt: string;
  deadline: string;
  workingDaysLeft: number | null;
  overdue: boolean;
  reply: string | null;
  repliedAt: string | null;
}

export interface JobOutcome {
  overdueFlagged: number;
  dueSoonNotified: number;
  grantsExpired: number;
  expiringNotified: number;
  errorReportsOverdue: number;
}
