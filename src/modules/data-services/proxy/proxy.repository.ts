import type { Database } from '../../../platform/db/database.js';

export interface ProxyEndpointRow {
  resource_id: string;
  url: string;
  method: 'GET' | 'POST';
  timeout_ms: number;
  headers_sealed: string | null;
  updated_by: string | null;
  updated_at: Date;
}

/** SQL for `data_proxy_endpoints` (one upstream per 接口 resource). */
export function proxyRepository(db: Database) {
  return {
    find(resourceId: string): Promise<ProxyEndpointRow | undefined> {
      return db.selectFrom('data_proxy_endpoints')
        .select(['resource_id', 'url', 'method', 'timeout_ms', 'headers_sealed', 'updated_by', 'updated_at'])
        .where('resource_id', '=', resourceId).executeTakeFirst();
    },

    async upsert(row: ProxyEndpointRow): Promise<void> {
      const { resource_id: _id, ...changes } = row;
      await db.insertInto('data_proxy_endpoints').values(row)
        .onConflict((oc) => oc.column('resource_id').doUpdateSet(changes)).execute();
    },
  };
}
