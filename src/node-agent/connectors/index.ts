/**
 * Connectors of the node agent: where rows come from (sources) and where delivered batches go (targets).
 * PostgreSQL and MySQL talk to the databases directly with `pg` / `mysql2` — the node agent never uses the
 * platform's database layer — and CSV works on a directory.
 */
import { CsvSource, CsvTarget } from './csv.js';
import { MysqlSource, createMysqlPool } from './mysql.js';
import { MysqlTarget } from './mysql-target.js';
import { PostgresSource, createPgPool } from './postgres.js';
import { PostgresTarget } from './postgres-target.js';
import type { EndpointConfig, SourceConnector, TargetConnector } from './types.js';

export type * from './types.js';

function unknownType(cfg: never): Error {
  return new Error(`不支持的连接类型：${(cfg as { type?: string }).type ?? '?'}`);
}

/** Opens a source; connections are made lazily (on the first extract), so this never blocks on the network. */
export async function openSource(cfg: EndpointConfig): Promise<SourceConnector> {
  switch (cfg.type) {
    case 'postgres':
      return new PostgresSource(createPgPool(cfg.url));
    case 'mysql':
      return new MysqlSource(createMysqlPool(cfg.url));
    case 'csv':
      return new CsvSource(cfg.dir);
    default:
      throw unknownType(cfg);
  }
}

/** Opens a target (lazily connected, like a source). */
export async function openTarget(cfg: EndpointConfig): Promise<TargetConnector> {
  switch (cfg.type) {
    case 'postgres':
      return new PostgresTarget(createPgPool(cfg.url));
    case 'mysql':
      return new MysqlTarget(createMysqlPool(cfg.url));
    case 'csv':
      return new CsvTarget(cfg.dir);
    default:
      throw unknownType(cfg);
  }
}
