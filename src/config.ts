import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root folder (src/ in development, dist/server/ when built): finds the console build and demo files. */
export const packageRoot = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(dir: string): string {
  for (let current = dir; ; current = path.dirname(current)) {
    if (existsSync(path.join(current, 'package.json'))) return current;
    if (path.dirname(current) === current) return dir;
  }
}

export type DatabaseConfig =
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'postgres'; url: string };

export interface Config {
  port: number;
  host: string;
  database: DatabaseConfig;
  /** On a database with no users, creates `admin` (platform_admin + sec_admin) with this password. */
  bootstrapAdminPassword: string | undefined;
  /** Load demo departments and accounts on an empty database. */
  demo: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  security: {
    sessionIdleMinutes: number;
    sessionMaxHours: number;
    lockoutThreshold: number;
    lockoutMinutes: number;
    /** Login attempts allowed per account in a 15-minute window. */
    loginRatePerAccount: number;
    /** Login attempts allowed per client address per minute (an office of hundreds may share one NAT address). */
    loginRatePerAddress: number;
    secureCookies: boolean;
  };
  audit: { retentionDays: number };
  http: { bodyLimitBytes: number; trustProxy: boolean };
  /** Built console (Vite output). */
  webDir: string;
  /** Local state besides the database: `master.key` and the call-log journal (GOVSHARE_STATE_DIR; default the PGlite data directory, else ./data). */
  stateDir: string;
  /** GOVSHARE_MASTER_KEY: 32 hex characters (SM4 key) sealing app secrets; unset, `master.key` in stateDir is used (created on first start). */
  masterKeyHex: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const FLAG_TO_ENV: Record<string, string> = {
  '--port': 'PORT',
  '--host': 'HOST',
  '--data-dir': 'GOVSHARE_DATA_DIR',
  '--database-url': 'DATABASE_URL',
  '--log-level': 'LOG_LEVEL',
};

/**
 * Reads flags (`--port 9000`, `--demo`, `--no-demo`) on top of the environment, the flags winning.
 * Returns the remaining positional arguments too.
 */
export function applyFlags(args: string[], env: Env): { env: Env; rest: string[] } {
  const merged: Env = { ...env };
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--demo') merged.GOVSHARE_DEMO = 'true';
    else if (flag === '--no-demo') merged.GOVSHARE_DEMO = 'false';
    else if (flag in FLAG_TO_ENV) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new ConfigError([`${flag} needs a value`]);
      merged[FLAG_TO_ENV[flag]!] = value;
    } else rest.push(arg);
  }
  return { env: merged, rest };
}

/** Builds the one validated config object. Fails fast with every problem listed. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name]?.trim().toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['true', '1', 'yes', 'on'].includes(raw)) return true;
    if (['false', '0', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be true or false (got "${env[name]}")`);
    return fallback;
  };

  const databaseUrl = env.DATABASE_URL?.trim();
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
  const logLevel = (env.LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!logLevels.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${logLevels.join(', ')}`);
  const bootstrapAdminPassword = env.GOVSHARE_BOOTSTRAP_ADMIN_PASSWORD || undefined;
  const masterKeyHex = env.GOVSHARE_MASTER_KEY?.trim() || undefined;
  if (masterKeyHex && !/^[0-9a-fA-F]{32}$/.test(masterKeyHex)) problems.push('GOVSHARE_MASTER_KEY must be 32 hexadecimal characters (a 128-bit SM4 key)');
  const pgliteDataDir = path.resolve(env.GOVSHARE_DATA_DIR?.trim() || './data');

  const config: Config = {
    port: int('PORT', 8080, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    database: databaseUrl
      ? { kind: 'postgres', url: databaseUrl }
      : { kind: 'pglite', dataDir: pgliteDataDir },
    bootstrapAdminPassword,
    demo: bool('GOVSHARE_DEMO', false),
    logLevel,
    security: {
      sessionIdleMinutes: int('GOVSHARE_SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
      sessionMaxHours: int('GOVSHARE_SESSION_MAX_HOURS', 12, 1, 24 * 7),
      lockoutThreshold: int('GOVSHARE_LOCKOUT_THRESHOLD', 5, 1, 100),
      // 等保 2.0 level 3 asks for at least 10 minutes.
      lockoutMinutes: int('GOVSHARE_LOCKOUT_MINUTES', 10, 10, 24 * 60),
      loginRatePerAccount: int('GOVSHARE_LOGIN_RATE_PER_ACCOUNT', 30, 5, 10_000),
      loginRatePerAddress: int('GOVSHARE_LOGIN_RATE_PER_ADDRESS', 600, 10, 1_000_000),
      secureCookies: bool('GOVSHARE_SECURE_COOKIES', false),
    },
    // Audit records are kept at least 180 days (等保 2.0: ≥ 6 months).
    audit: { retentionDays: int('GOVSHARE_AUDIT_RETENTION_DAYS', 365, 180, 36_500) },
    http: {
      bodyLimitBytes: int('GOVSHARE_BODY_LIMIT_MB', 20, 1, 4096) * 1024 * 1024,
      trustProxy: bool('GOVSHARE_TRUST_PROXY', false),
    },
    webDir: path.resolve(env.GOVSHARE_WEB_DIR?.trim() || path.join(packageRoot, 'dist', 'web')),
    stateDir: path.resolve(env.GOVSHARE_STATE_DIR?.trim() || pgliteDataDir),
    masterKeyHex,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
