/**
 * The database as Kysely sees it: every module's tables, each defined beside its module
 * (`src/modules/<m>/<m>.tables.ts`). Table names carry their module's prefix.
 */
import type { IdentityTables } from '../../modules/identity/identity.tables.js';
import type { AuditTables } from '../../modules/audit/audit.tables.js';
import type { CatalogTables } from '../../modules/catalog/catalog.tables.js';
import type { CensusTables } from '../../modules/census/census.tables.js';
import type { SharingTables } from '../../modules/sharing/sharing.tables.js';
import type { NotificationsTables } from '../../modules/notifications/notifications.tables.js';
import type { DataServicesTables } from '../../modules/data-services/data-services.tables.js';
import type { ExchangeTables } from '../../modules/exchange/exchange.tables.js';

export type * from '../../modules/identity/identity.tables.js';
export type * from '../../modules/audit/audit.tables.js';
export type * from '../../modules/catalog/catalog.tables.js';
export type * from '../../modules/census/census.tables.js';
export type * from '../../modules/sharing/sharing.tables.js';
export type * from '../../modules/notifications/notifications.tables.js';
export type * from '../../modules/data-services/data-services.tables.js';
export type * from '../../modules/exchange/exchange.tables.js';

export interface DB
  extends IdentityTables,
    AuditTables,
    CatalogTables,
    CensusTables,
    SharingTables,
    NotificationsTables,
    DataServicesTables,
    ExchangeTables {}
