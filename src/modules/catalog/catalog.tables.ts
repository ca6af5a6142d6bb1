import type { Generated } from 'kysely';
import type { Timestamp, DefaultedTimestamp } from '../../platform/db/column-types.js';

/** The catalog module's tables (Kysely types); src/platform/db/schema.ts composes every module's into DB. */
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

export interface CatalogTables {
  catalog_categories: CatalogCategoriesTable;
  catalog_code_sequences: CatalogCodeSequencesTable;
  catalog_resources: CatalogResourcesTable;
  catalog_resource_versions: CatalogResourceVersionsTable;
  catalog_resource_items: CatalogResourceItemsTable;
  catalog_review_events: CatalogReviewEventsTable;
  catalog_search_docs: CatalogSearchDocsTable;
  catalog_search_term_stats: CatalogSearchTermStatsTable;
}
