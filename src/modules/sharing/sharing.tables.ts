import type { Generated } from 'kysely';
import type { Timestamp, DefaultedTimestamp, JsonColumn, NullableJsonColumn } from '../../platform/db/column-types.js';

/** The sharing module's tables (Kysely types); src/platform/db/schema.ts composes every module's into DB. */
export interface SharingSettingsTable {
  id: number;
  review_deadline_days: number;
  error_report_deadline_days: number;
  second_review_enabled: boolean;
  default_daily_quota: number;
  updated_at: DefaultedTimestamp;
}

export interface SharingCalendarDaysTable {
  date: string; // date: 'yyyy-mm-dd'
  kind: 'holiday' | 'workday';
  name: string;
}

export interface SharingRequestsTable {
  id: Generated<string>;
  resource_id: string;
  resource_code: string;
  resource_name: string;
  share_type: string;
  provider_org_id: string;
  applicant_org_id: string;
  applicant_user_id: string;
  applicant_username: string;
  application_name: string;
  items: JsonColumn<string[]>;
  purpose: string;
  basis: string;
  valid_from: string;
  valid_to: string;
  status: 'pending' | 'second_review' | 'approved' | 'refused' | 'withdrawn';
  created_at: Timestamp;
  deadline: Timestamp | null;
  decided_at: Timestamp | null;
  decision_reason: string | null;
  decision: NullableJsonColumn<{ items: string[]; validTo: string; masking: Record<string, string>; dailyQuota: number }>;
  renewal_of_grant_id: string | null;
  due_soon_notified_at: Timestamp | null;
  overdue_notified_at: Timestamp | null;
}

export interface SharingEventsTable {
  id: Generated<number>;
  subject_type: 'request' | 'error_report';
  subject_id: string;
  action: string;
  actor_id: string | null;
  actor_username: string | null;
  actor_org_name: string | null;
  comment: string | null;
  at: Timestamp;
}

export interface SharingGrantsTable {
  id: Generated<string>;
  request_id: string;
  resource_id: string;
  resource_code: string;
  resource_name: string;
  provider_org_id: string;
  consumer_org_id: string;
  application_name: string;
  items: JsonColumn<string[]>;
  masking: JsonColumn<Record<string, string>>;
  valid_from: string;
  valid_to: string;
  daily_quota: number;
  status: 'active' | 'revoked' | 'expired';
  created_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
  revoked_reason: string | null;
  expired_at: Timestamp | null;
  expiring_notified_at: Timestamp | null;
}

export interface SharingAttachmentsTable {
  id: Generated<string>;
  request_id: string;
  filename: string;
  content_type: string;
  size: number;
  sm3: string;
  content: Buffer | Uint8Array;
  uploaded_by: string;
  created_at: Timestamp;
}

export interface SharingErrorReportsTable {
  id: Generated<string>;
  resource_id: string;
  resource_code: string;
  resource_name: string;
  provider_org_id: string;
  reporter_org_id: string;
  reporter_user_id: string;
  reporter_username: string;
  record_key: string | null;
  item_name: string | null;
  description: string;
  status: 'open' | 'confirmed' | 'rejected' | 'corrected';
  created_at: Timestamp;
  deadline: Timestamp;
  reply: string | null;
  replied_at: Timestamp | null;
  overdue_notified_at: Timestamp | null;
}

export interface SharingTables {
  sharing_settings: SharingSettingsTable;
  sharing_calendar_days: SharingCalendarDaysTable;
  sharing_requests: SharingRequestsTable;
  sharing_events: SharingEventsTable;
  sharing_grants: SharingGrantsTable;
  sharing_attachments: SharingAttachmentsTable;
  sharing_error_reports: SharingErrorReportsTable;
}
