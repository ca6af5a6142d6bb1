import { applyFlags, ConfigError, loadConfig, type Config } from './config.js';
import { verifyAuditChain } from './modules/audit/index.js';
import { createAuditService } from './modules/audit/audit.service.js';
import { createDatastoreService } from './modules/data-services/datastore/index.js';
import { createUserUnchecked, identityRepository } from './modules/identity/index.js';
import { openDatabase, type DatabaseHandle } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrator.js';
import { createReadStream, openSync, statSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { DomainError } from './platform/errors.js';
import { startServer } from './server.js';

const HELP = `govshare — government information resource sharing and exchange platform

Usage: govshare <command> [options]

Commands:
  serve                       start the platform (migrates first)
  migrate                     apply pending database migrations
  user create                 create an account
      --username NAME --password PW --display-name TEXT [--org USCC|ID] --role ROLE [--role ROLE]
      (the account must change its password at first login)
  audit verify                recompute the SM3 hash chain; exits 1 and names the first broken event
  audit prune                 delete audit events older than the retention period (never under 180 days)
  data load RESOURCE FILE     load a .csv/.xlsx/.jsonl file into a 库表 resource's datastore (code or id);
      [--mode replace|upsert] [--format csv|xlsx|jsonl]
      progress on stderr, the load (JSON) on stdout; exits 1 when the load fails
  node --config FILE          run the exchange node agent (前置机): heartbeats, signed config, publish tasks,
                              subscriptions; JSON log lines on stdout; stops cleanly on SIGTERM/SIGINT
  exchange mailbox --node NODE_ID --from DIR --to DIR [--once] [--interval SECONDS]
                              file-mailbox gateway (网闸) for a node without HTTP to the platform: ingests the
                              node's batches and signed messages ferried into --from, writes its signed config
                              and deliveries to --to (every 5 s by default); refused files go to --from/rejected
  node enrol --config FILE --token TOKEN [--name NAME] [--contact TEXT] [--address TEXT]
                              generate the node's SM2 key pair and enrol with a one-time token (then a
                              platform admin approves the node)

Options (each also an environment variable):
  --port N (PORT, 8080)  --host H (HOST, 127.0.0.1)  --data-dir DIR (GOVSHARE_DATA_DIR, ./data)
  --database-url URL (DATABASE_URL: PostgreSQL instead of the embedded PGlite)
  --demo / --no-demo (GOVSHARE_DEMO: load demo data on an empty database)
  --log-level LEVEL (LOG_LEVEL, info)
`;

/** Pulls `--name value` pairs (repeatable) out of the arguments. */
function options(args: string[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"`);
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${arg} needs a value`);
    map.set(arg.slice(2), [...(map.get(arg.slice(2)) ?? []), value]);
    i++;
  }
  return map;
}

async function withDatabase<T>(config: Config, run: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = await openDatabase(config.database);
  try {
    await migrateToLatest(handle.db);
    return await run(handle);
  } finally {
    await handle.close();
  }
}

/** `govshare node …`: the exchange node agent (src/node-agent), which needs no platform database. */
async function nodeCommand(args: string[], enrol: boolean, env: NodeJS.ProcessEnv): Promise<number> {
  const agent = await import('./node-agent/index.js');
  const opts = options(args);
  const file = opts.get('config')?.[0];
  if (!file) throw new Error(enrol ? 'usage: govshare node enrol --config <file> --token <token> [--name NAME] [--contact TEXT] [--address TEXT]' : 'usage: govshare node --config <file>');
  let nodeConfig;
  try {
    nodeConfig = agent.loadNodeConfig(file, env);
  } catch (error) {
    if (error instanceof agent.NodeConfigError) throw new Error(`node config: ${error.message}`);
    throw error;
  }
  if (enrol) {
    const token = opts.get('token')?.[0];
    if (!token) throw new Error('--token is required (a one-time enrolment token from the console)');
    const result = await agent.enrolNode(nodeConfig, { token, name: opts.get('name')?.[0] ?? null, contact: opts.get('contact')?.[0] ?? null, address: opts.get('address')?.[0] ?? null });
    process.stdout.write(`enrolled as node ${result.nodeId} (${result.status}); a platform admin must approve it before it can exchange data\n`);
    return 0;
  }
  for (const name of opts.keys()) if (name !== 'config') throw new Error(`unknown option --${name}`);
  const running = await agent.runNode({ config: nodeConfig, log: agent.createNodeLogger(env.LOG_LEVEL ?? 'info') });
  return await new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      running.log.info({ signal }, 'stopping');
      // Leftover keep-alive sockets must not hold the process once the agent has stopped.
      const exit = (code: number) => { setTimeout(() => process.exit(code), 2000).unref(); resolve(code); };
      void running.stop().then(() => exit(0), () => exit(1));
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

/** `govshare exchange mailbox …`: the platform side of a node's file mailbox (src/modules/exchange/mailbox). */
async function mailboxCommand(args: string[], config: Config): Promise<number> {
  const usage = 'usage: govshare exchange mailbox --node <nodeId> --from <dir> --to <dir> [--once] [--interval <seconds>]';
  const once = args.includes('--once');
  const opts = options(args.filter((a) => a !== '--once'));
  for (const name of opts.keys()) if (!['node', 'from', 'to', 'interval'].includes(name)) throw new Error(`unknown option --${name}\n${usage}`);
  const nodeId = opts.get('node')?.[0];
  const from = opts.get('from')?.[0];
  const to = opts.get('to')?.[0];
  if (!nodeId || !from || !to) throw new Error(usage);
  const interval = Number(opts.get('interval')?.[0] ?? '5');
  if (!Number.isFinite(interval) || interval < 1 || interval > 3600) throw new Error('--interval must be 1–3600 seconds');
  const { createExchangeServices } = await import('./modules/exchange/index.js');
  const { runMailboxGateway } = await import('./modules/exchange/mailbox/index.js');
  const { loadOrCreateMasterKey } = await import('./platform/crypto/master-key.js');
  const { sealedBox } = await import('./platform/crypto/sealed-box.js');
  const { createLogger } = await import('./platform/logger.js');
  const logger = createLogger(config.logLevel);
  return await withDatabase(config, async ({ db }) => {
    // Same master key and batch storage as `govshare serve`: the server's applier picks up what this ingests.
    const box = sealedBox(loadOrCreateMasterKey(config.masterKeyHex, config.stateDir));
    const exchange = createExchangeServices({ db, box, storageDir: path.join(config.stateDir, 'exchange'), logger });
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    process.once('SIGTERM', () => abort.abort());
    const result = await runMailboxGateway({
      exchange, db, logger, nodeId, from: path.resolve(from), to: path.resolve(to), once, intervalMs: interval * 1000, signal: abort.signal,
    });
    if (once) process.stdout.write(`${JSON.stringify(result)}\n`);
    return result.errors.length && once ? 1 : 0;
  });
}

/** Runs one command; returns the process exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const { env: merged, rest } = applyFlags(argv, env);
    const [command, sub, ...more] = rest;
    if (!command || command === 'help' || command === '--help' || command === '-h') {
      process.stdout.write(HELP);
      return command ? 0 : 1;
    }
    if (command === 'node') return await nodeCommand(sub === 'enrol' ? more : [sub, ...more].filter((a): a is string => a !== undefined), sub === 'enrol', merged);

    const config = loadConfig(merged);

    if (command === 'serve') {
      const server = await startServer(config);
      const stop = async (signal: string) => {
        process.stdout.write(`\n${signal}: stopping\n`);
        await server.stop();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
      return await new Promise<number>(() => {}); // runs until a signal
    }

    if (command === 'migrate') {
      const handle = await openDatabase(config.database);
      try {
        const { applied } = await migrateToLatest(handle.db);
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
      } finally {
        await handle.close();
      }
      return 0;
    }

    if (command === 'user' && sub === 'create') {
      const opts = options(more);
      const one = (name: string) => {
        const v = opts.get(name)?.[0];
        if (!v) throw new Error(`--${name} is required`);
        return v;
      };
      return await withDatabase(config, async ({ db }) => {
        const orgRef = opts.get('org')?.[0];
        let orgId: string | null = null;
        if (orgRef) {
          const repo = identityRepository(db);
          const org = /^[0-9A-Z]{18}$/i.test(orgRef) ? await repo.findOrgByUscc(orgRef.toUpperCase()) : await repo.findOrg(orgRef).catch(() => undefined);
          if (!org) throw new Error(`no department with USCC or id "${orgRef}"`);
          orgId = org.id;
        }
        const username = one('username');
        await createUserUnchecked(db, { actor: null, ip: 'cli' }, {
          username, password: one('password'), displayName: opts.get('display-name')?.[0] ?? username, orgId, roles: opts.get('role') ?? [],
        });
        process.stdout.write(`account "${username}" created; it must change its password at first login\n`);
        return 0;
      });
    }

    if (command === 'exchange' && sub === 'mailbox') return await mailboxCommand(more, config);

    if (command === 'audit' && sub === 'verify') {
      return await withDatabase(config, async ({ db }) => {
        const result = await verifyAuditChain(db);
        if (result.ok) {
          process.stdout.write(`audit chain intact: ${result.checked} events verified${result.head ? `, head #${result.head.id} ${result.head.hash}` : ''}\n`);
          return 0;
        }
        process.stderr.write(`audit chain BROKEN at event #${result.firstBroken!.id}: ${result.firstBroken!.reason} (${result.checked} events before it verified)\n`);
        return 1;
      });
    }

    if (command === 'audit' && sub === 'prune') {
      return await withDatabase(config, async ({ db }) => {
        const count = await createAuditService({ db, retentionDays: config.audit.retentionDays }).prune({ actor: null, ip: 'cli' });
        process.stdout.write(`pruned ${count} audit events older than ${config.audit.retentionDays} days\n`);
        return 0;
      });
    }

    if (command === 'data' && sub === 'load') {
      const [ref, file, ...flags] = more;
      if (!ref || !file || ref.startsWith('--') || file.startsWith('--')) throw new Error('usage: govshare data load <resource code or id> <file> [--mode replace|upsert] [--format csv|xlsx|jsonl]');
      const opts = options(flags);
      const mode = opts.get('mode')?.[0] ?? 'replace';
      if (mode !== 'replace' && mode !== 'upsert') throw new Error('--mode must be replace or upsert');
      const format = opts.get('format')?.[0];
      if (format !== undefined && format !== 'csv' && format !== 'xlsx' && format !== 'jsonl') throw new Error('--format must be csv, xlsx or jsonl');
      const bytes = statSync(file).size;
      return await withDatabase(config, async ({ db }) => {
        const datastore = createDatastoreService({ db });
        const loadId = randomUUID();
        const started = Date.now();
        const report = () => {
          const p = datastore.progressOf(loadId);
          if (p) process.stderr.write(`loading: ${(p.bytesRead / 1048576).toFixed(1)} / ${(bytes / 1048576).toFixed(1)} MB, ${p.totalRows} rows, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        };
        const timer = setInterval(report, 1000);
        // Opened synchronously so nothing is left pending if the load is refused before reading.
        const stream = createReadStream('', { fd: openSync(file, 'r'), highWaterMark: 1024 * 1024 });
        try {
          const isId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref);
          const load = await datastore.load(null, { actor: null, ip: 'cli' }, isId ? { id: ref } : { code: ref }, {
            mode, format, filename: path.basename(file), stream, loadId, bytes,
          });
          process.stderr.write(`${load.status}: ${load.loaded} of ${load.totalRows} rows loaded, ${load.failed} failed, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
          process.stdout.write(`${JSON.stringify(load, null, 2)}\n`);
          return load.status === 'succeeded' ? 0 : 1;
        } finally {
          clearInterval(timer);
          stream.destroy();
        }
      });
    }

    process.stderr.write(`unknown command: ${rest.join(' ')}\n\n${HELP}`);
    return 2;
  } catch (error) {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else if (error instanceof DomainError) process.stderr.write(`error ${error.code}: ${error.message}\n`);
    else process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

// Run when executed directly (tsx src/cli.ts …); bin/govshare.js imports main() instead.
if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
