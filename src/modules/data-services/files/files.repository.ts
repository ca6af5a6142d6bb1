import { sql } from 'kysely';
import type { Database } from '../../../platform/db/database.js';

const versionColumns = [
  'id', 'resource_id', 'version_no', 'filename', 'content_type', 'size', 'sm3', 'note', 'uploaded_by', 'uploaded_by_username', 'created_at',
] as const;

export type FileVersionRow = Awaited<ReturnType<ReturnType<typeof filesRepository>['listVersions']>>[number];

/** SQL for `data_files` (file resource versions, content in bytea). */
export function filesRepository(db: Database) {
  return {
    /** Versions of a resource, newest first, without their content. */
    listVersions(resourceId: string) {
      return db.selectFrom('data_files').select(versionColumns).where('resource_id', '=', resourceId).orderBy('version_no', 'desc').execute();
    },

    /** One version with its content; `latest` is the highest version number. */
    async findVersionWithContent(resourceId: string, versionNo: number | 'latest') {
      let query = db.selectFrom('data_files').select([...versionColumns, 'content']).where('resource_id', '=', resourceId);
      query = versionNo === 'latest' ? query.orderBy('version_no', 'desc').limit(1) : query.where('version_no', '=', versionNo);
      return query.executeTakeFirst();
    },

    /**
     * Serialises uploads of one resource until the transaction ends, so two uploads never compute the same
     * next version number (the unique constraint is the backstop).
     */
    async lockResourceVersions(resourceId: string): Promise<void> {
      await sql`select pg_advisory_xact_lock(hashtextextended(${`data_files:${resourceId}`}, 0))`.execute(db);
    },

    async nextVersionNo(resourceId: string): Promise<number> {
      const row = await db.selectFrom('data_files').select((eb) => eb.fn.max('version_no').as('max')).where('resource_id', '=', resourceId).executeTakeFirst();
      return Number(row?.max ?? 0) + 1;
    },

    insertVersion(values: {
      resource_id: string; version_no: number; filename: string; content_type: string; size: number; sm3: string; content: Buffer;
      note: string | null; uploaded_by: string | null; uploaded_by_username: string | null; created_at: Date;
    }) {
      return db.insertInto('data_files').values(values).returning(versionColumns).executeTakeFirstOrThrow();
    },
  };
}
