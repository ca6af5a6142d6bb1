// STUB — to be replaced by the data API implementation. Keep these exports and signatures.
import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../../platform/db/database.js';
import type { SealedBox } from '../../../platform/crypto/sealed-box.js';
import type { Logger } from '../../../platform/logger.js';
import type { AppsService } from '../apps/index.js';
import type { DatastoreService } from '../datastore/index.js';
import type { RunDataCall } from './data-call.types.js';

export type { DataCallContext, DataCallOutcome, DataCallSpec, RunDataCall } from './data-call.types.js';

export interface DataApiDeps {
  db: Database;
  now?: () => Date;
  box: SealedBox;
  apps: AppsService;
  datastore: DatastoreService;
  logger?: Logger;
  /** Directory for the call-log journal; absent: memory only (tests). */
  journalDir?: string;
}

export function createDataApi(_deps: DataApiDeps) {
  const runDataCall: RunDataCall = async () => { throw new Error('not implemented'); };
  return {
    runDataCall,
    /** Starts background work (journal replay, flush timer). */
    async start(): Promise<void> {},
    /** Flushes the call log to the database. */
    async flush(): Promise<void> {},
    /** Flushes and stops background work. */
    async close(): Promise<void> {},
  };
}
export type DataApi = ReturnType<typeof createDataApi>;

/** Signed data API routes (public: authenticated by signature), plus `extra` plugins registered inside (files, proxy). */
export function dataApiRoutes(_deps: { api: DataApi; datastore: DatastoreService; extra: FastifyPluginAsync[] }): FastifyPluginAsync {
  return async () => {};
}

/** Console routes: per-resource API docs and the try-it call (session auth). */
export function apiDocRoutes(_deps: { api: DataApi; apps: AppsService; box: SealedBox; db: Database }): FastifyPluginAsync {
  return async () => {};
}
