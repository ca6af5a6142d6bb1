import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/** Table types for Kysely. Table names carry their module's prefix. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp the database fills in by default. */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface IdentityOrgsTable {
  id: Generated<string>;
  name: string;
  uscc: string;
  region_code: string;
  parent_id: string | null;
  level: 'province' | 'city' | 'county';
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface IdentityUsersTable {
  id: Generated<string>;
  username: string;
  display_name: string;
  org_id: string | null;
  password_hash: string;
  must_change_password: boolean;
  failed_attempts: Generated<number>;
  locked_until: Timestamp | null;
  disabled: Generated<boolean>;
  password_changed_at: Timestamp | null;
  last_login_at: Timestamp | null;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface IdentityUserRolesTable {
  user_id: string;
  role: string;
}

export interface IdentitySessionsTable {
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface AuditEventsTable {
  id: number;
  at: Timestamp;
  actor_id: string | null;
  actor_username: string | null;
  actor_org_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  detail: JSONColumnType<Record<string, unknown>, string, string>;
  ip: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditAnchorsTable {
  id: Generated<number>;
  pruned_through_id: number;
  last_hash: string;
  pruned_count: number;
  pruned_at: Timestamp;
}

export interface CatalogCategoriesTable {
  id: Generated<string>;
  parent_id: string | null;
  code: string;
  name: string;
  kind: '基础' | '主题' | '部门';
  org_id: string | null;
  created_at: DefaultedTimestamp;
}

export interface CatalogCodeSequencesTable {
  classification: string;
  last_value: number;
}

export interface CatalogResourcesTable {
  id: Generated<string>;
  code: string;
  provider_org_id: string;
  category_id: string;
  status: 'draft' | 'submitted' | 'returned' | 'published' | 'retired';
  published_version_id: string | null;
  working_version_id: string | null;
  name: string;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
  retired_at: Timestamp | null;
  retired_reason: string | null;
}

export interface CatalogResourceVersionsTable {
  id: Generated<string>;
  resource_id: string;
  version_no: number;
  status: 'draft' | 'submitted' | 'returned' | 'published' | 'superseded';
  name: string;
  provider_name: string;
  provider_code: string;
  provider_division: string | null;
  summary: string;
  format_class: string;
  format_type: string | null;
  format_other: string | null;
  share_type: string;
  share_condition: string;
  share_method_class: string | null;
  share_method_type: string | null;
  is_open: boolean;
  open_condition: string | null;
  update_cycle: string;
  /** yyyy-mm-dd */
  publish_date: string;
  related_class: string | null;
  related_category_id: string | null;
  review_comment: string | null;
  created_by: string | null;
  submitted_by: string | null;
  submitted_at: Timestamp | null;
  reviewed_by: string | null;
  reviewed_at: Timestamp | null;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface CatalogResourceItemsTable {
  version_id: string;
  position: number;
  name: string;
  data_type: string;
  length: number | null;
}

export interface CatalogReviewEventsTable {
  id: Generated<number>;
  resource_id: string;
  version_id: string | null;
  action: string;
  actor_id: string | null;
  actor_username: string | null;
  comment: string | null;
  at: Timestamp;
}

export interface CatalogSearchDocsTable {
  version_id: string;
  resource_id: string;
  in_shared: boolean;
  in_department: boolean;
  provider_org_id: string;
  category_id: string;
  status: string;
  share_type: string;
  format_class: string;
  is_open: boolean;
  update_cycle: string;
  publish_date: string;
  name: string;
  terms: number[];
  name_terms: number[];
  item_terms: number[];
  provider_terms: number[];
}

export interface CatalogSearchTermStatsTable {
  term: number;
  df: number;
}

/** A nullable numeric column: read as a string on both engines, written as a number. */
type NullableNumeric = ColumnType<string | null, number | string | null, number | string | null>;

export interface CensusSystemsTable {
  id: Generated<string>;
  org_id: string;
  kind: string;
  name: string;
  status: string;
  function_desc: string | null;
  resource_names: string | null;
  network: string;
  classified: boolean;
  security_level: string | null;
  secrecy_clause: string | null;
  can_connect: boolean | null;
  connect_method: string | null;
  no_connect_reason: string | null;
  access_address: string | null;
  website_intensive: boolean | null;
  usage_scope: string | null;
  usage_scope_detail: string | null;
  user_count: number | null;
  frequency: string;
  owner_division: string | null;
  owner_name: string | null;
  owner_title: string | null;
  owner_phone: string | null;
  approver: string | null;
  approval_date: string | null; // date: 'yyyy-mm-dd' on both engines
  builder: string | null;
  build_date: string | null;
  warranty_years: number | null;
  build_budget: NullableNumeric;
  build_budget_source: string | null;
  om_budget: NullableNumeric;
  om_budget_source: string | null;
  om_unit: string | null;
  provided_to: string | null;
  obtained_from: string | null;
  needed_from: string | null;
  tech_support: string | null;
  remarks: string | null;
  manual_zombie: boolean;
  manual_zombie_reason: string | null;
  created_by: string | null;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface CensusSystemResourcesTable {
  system_id: string;
  resource_id: string;
  created_at: DefaultedTimestamp;
}

type JsonColumn<T extends object> = JSONColumnType<T, string, string>;
type NullableJsonColumn<T> = ColumnType<T | null, string | null, string | null>;

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

export interface NotificationsTable {
  id: Generated<string>;
  recipient_user_id: string | null;
  recipient_org_id: string | null;
  recipient_roles: NullableJsonColumn<string[]>;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  created_at: Timestamp;
}

export interface NotificationsReadsTable {
  notification_id: string;
  user_id: string;
  read_at: Timestamp;
}

export interface DB {
  identity_orgs: IdentityOrgsTable;
  identity_users: IdentityUsersTable;
  identity_user_roles: IdentityUserRolesTable;
  identity_sessions: IdentitySessionsTable;
  audit_events: AuditEventsTable;
  audit_anchors: AuditAnchorsTable;
  catalog_categories: CatalogCategoriesTable;
  catalog_code_sequences: CatalogCodeSequencesTable;
  catalog_resources: CatalogResourcesTable;
  catalog_resource_versions: CatalogResourceVersionsTable;
  catalog_resource_items: CatalogResourceItemsTable;
  catalog_review_events: CatalogReviewEventsTable;
  catalog_search_docs: CatalogSearchDocsTable;
  catalog_search_term_stats: CatalogSearchTermStatsTable;
  census_systems: CensusSystemsTable;
  census_system_resources: CensusSystemResourcesTable;
  sharing_settings: SharingSettingsTable;
  sharing_calendar_days: SharingCalendarDaysTable;
  sharing_requests: SharingRequestsTable;
  sharing_events: SharingEventsTable;
  sharing_grants: SharingGrantsTable;
  sharing_attachments: SharingAttachmentsTable;
  sharing_error_reports: SharingErrorReportsTable;
  notifications: NotificationsTable;
  notifications_reads: NotificationsReadsTable;
}
