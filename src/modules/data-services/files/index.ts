// STUB — to be replaced by the files implementation. Keep these exports and signatures.
import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../../platform/db/database.js';
import type { RunDataCall } from '../api/data-call.types.js';

export function createFilesService(_deps: { db: Database; now?: () => Date }) {
  return {};
}
export type FilesService = ReturnType<typeof createFilesService>;
/** Management routes (session auth): upload and list file versions. */
export function filesRoutes(_deps: { files: FilesService }): FastifyPluginAsync {
  return async () => {};
}
/** Data API routes (signed): list and download versions. Registered inside the data API plugin. */
export function fileDataRoutes(_deps: { runDataCall: RunDataCall; files: FilesService }): FastifyPluginAsync {
  return async () => {};
}
