import type { Generated } from 'kysely';
import type { DefaultedTimestamp, NullableNumeric } from '../../platform/db/column-types.js';

/** The census module's tables (Kysely types); src/platform/db/schema.ts composes every module's into DB. */
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

export interface CensusTables {
  census_systems: CensusSystemsTable;
  census_system_resources: CensusSystemResourcesTable;
}
