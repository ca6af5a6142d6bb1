import { buildApp } from './app.js';
import path from 'node:path';
import type { Config } from './config.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, loadDemoData } from './demo/demo-data.js';
import { ensureBootstrapAdmin } from './modules/identity/index.js';
import { recoverInterruptedLoads } from './modules/data-services/index.js';
import { openDatabase } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrator.js';
import { createLogger } from './platform/logger.js';
import { loadOrCreateMasterKey } from './platform/crypto/master-key.js';

/** Opens the database, migrates, loads first-run data, and listens. Returns a stop function. */
export async function startServer(config: Config): Promise<{ url: string; stop(): Promise<void> }> {
  const started = Date.now();
  const logger = createLogger(config.logLevel);
  const handle = await openDatabase(config.database);
  const { applied } = await migrateToLatest(handle.db);
  if (applied.length > 0) logger.info({ module: 'db', applied }, 'migrations applied');
  const recovered = await recoverInterruptedLoads(handle.db, new Date());
  if (recovered.failedLoads > 0 || recovered.droppedTables > 0) logger.warn({ module: 'data-services', ...recovered }, 'interrupted data loads marked failed');

  if (config.bootstrapAdminPassword && (await ensureBootstrapAdmin(handle.db, config.bootstrapAdminPassword))) {
    logger.info({ module: 'identity' }, 'bootstrap account "admin" created (platform_admin + sec_admin); change its password at first login');
  }
  const demoLoaded = config.demo && (await loadDemoData(handle.db));

  const masterKey = loadOrCreateMasterKey(config.masterKeyHex, config.stateDir);
  const app = await buildApp(config, { db: handle.db, logger, masterKey, callLogJournalDir: config.stateDir, exchangeDir: path.join(config.stateDir, 'exchange') });
  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace('://[::1]', '://localhost');

  // Housekeeping: idle sessions hourly; audit retention daily; sharing deadlines and grant expiry every 10 minutes.
  const maintenance = [
    setInterval(() => void app.services.auth.sweepSessions().catch((err) => logger.error({ module: 'identity', err }, 'session sweep failed')), 3_600_000),
    setInterval(() => void app.services.audit.prune({ actor: null, ip: null }).catch((err) => logger.error({ module: 'audit', err }, 'audit pruning failed')), 86_400_000),
    setInterval(() => void app.services.exchange.monitoring.runJobs().catch((err) => logger.error({ module: 'exchange', err }, 'exchange monitoring job failed')), 60_000),
    setInterval(() => void app.services.sharing.runJobs().catch((err) => logger.error({ module: 'sharing', err }, 'sharing deadline job failed')), 600_000),
  ];
  maintenance.forEach((t) => t.unref());

  const lines = [
    '',
    `  govshare 政务信息资源共享交换平台 is running at ${url}`,
    `  database: ${config.database.kind === 'pglite' ? `embedded PGlite in ${config.database.dataDir}` : 'PostgreSQL'}`,
    `  API docs: ${url}/docs    health: ${url}/healthz    started in ${Date.now() - started} ms`,
  ];
  if (config.demo) {
    lines.push(demoLoaded ? '  demo data loaded. Demo accounts (password ' + DEMO_PASSWORD + '):' : '  demo accounts (password ' + DEMO_PASSWORD + ' unless changed):');
    for (const a of DEMO_ACCOUNTS) lines.push(`    ${a.username.padEnd(10)} ${a.role}`);
  }
  process.stdout.write(lines.join('\n') + '\n\n');

  return {
    url,
    async stop() {
      maintenance.forEach(clearInterval);
      await app.close();
      await handle.close();
    },
  };
}
