import type { Database } from '../../platform/db/database.js';
import type { SealedBox } from '../../platform/crypto/sealed-box.js';
import type { Logger } from '../../platform/logger.js';
import { createDataApi } from './api/index.js';
import { createAppsService } from './apps/index.js';
import { createCallsService } from './calls/index.js';
import { createDatastoreService } from './datastore/index.js';
import { createFilesService } from './files/index.js';
import { createProxyService } from './proxy/index.js';

export interface DataServicesDeps {
  db: Database;
  now?: () => Date;
  /** Seals app secrets and upstream credentials with the master key. */
  box: SealedBox;
  logger?: Logger;
  /** Where the call-log journal lives; absent: memory only (tests). */
  journalDir?: string;
}

/** The data-services module: datastore, applications, the signed data API, files, proxied APIs, the call log. */
export function createDataServices(deps: DataServicesDeps) {
  const { db, now, box } = deps;
  const datastore = createDatastoreService({ db, now });
  const apps = createAppsService({ db, now, box });
  const api = createDataApi({ db, now, box, apps, datastore, logger: deps.logger, journalDir: deps.journalDir });
  return {
    box,
    datastore,
    apps,
    api,
    files: createFilesService({ db, now }),
    proxy: createProxyService({ db, now, box }),
    calls: createCallsService({ db, now }),
  };
}

export type DataServices = ReturnType<typeof createDataServices>;
