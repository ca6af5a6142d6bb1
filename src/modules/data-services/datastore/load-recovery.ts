import { sql } from 'kysely';
import type { Database } from '../../../platform/db/database.js';

/**
 * After a crash: loads still marked running are failed, and staging tables (`data_store.s_*`) left by
 * them are dropped. Runs once at server start, before any load can begin in this process. One server
 * process per database is assumed (as for the in-memory nonce store); with several, start them while no
 * load is running.
 */
export async function recoverInterruptedLoads(db: Database, now: Date): Promise<{ failedLoads: number; droppedTables: number }> {
  const failed = await db.updateTable('data_loads')
    .set({ status: 'failed', finished_at: now, message: 'The load was interrupted by a server stop; nothing was changed (服务停止，装载中断，数据未变更).' })
    .where('status', '=', 'running').executeTakeFirst();
  const staging = await sql<{ name: string }>`
    select tablename as name from pg_tables where schemaname = 'data_store' and tablename like 's\\_%'`.execute(db);
  for (const { name } of staging.rows) {
    // Names come from the catalog of this schema and match our own pattern; quote anyway.
    if (/^s_[0-9a-f]+_[0-9a-f]+$/.test(name)) await sql.raw(`drop table if exists data_store."${name}"`).execute(db);
  }
  return { failedLoads: Number(failed.numUpdatedRows), droppedTables: staging.rows.length };
}
