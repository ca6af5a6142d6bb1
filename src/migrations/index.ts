import type { Migration } from 'kysely';
import * as identity from './2026_11_21_001_identity.js';
import * as audit from './2026_11_21_002_audit.js';
import * as catalog from './2026_11_21_003_catalog.js';
import * as census from './2026_11_21_004_census.js';
import * as sharing from './2026_11_21_005_sharing.js';
import * as notifications from './2026_11_21_006_notifications.js';
import * as catalogSearchIntarray from './2026_11_21_007_catalog_search_intarray.js';
import * as dataServices from './2026_11_21_008_data_services.js';
import * as exchangeNodes from './2026_11_21_009_exchange_nodes.js';
import * as exchangeFlows from './2026_11_21_010_exchange_flows.js';

/**
 * Every migration, in order. Append-only: never edit or reorder one that has shipped; add a new file
 * and list it here.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_21_001_identity': identity,
  '2026_11_21_002_audit': audit,
  '2026_11_21_003_catalog': catalog,
  '2026_11_21_004_census': census,
  '2026_11_21_005_sharing': sharing,
  '2026_11_21_006_notifications': notifications,
  '2026_11_21_007_catalog_search_intarray': catalogSearchIntarray,
  '2026_11_21_008_data_services': dataServices,
  '2026_11_21_009_exchange_nodes': exchangeNodes,
  '2026_11_21_010_exchange_flows': exchangeFlows,
};
