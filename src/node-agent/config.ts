/**
 * The node agent's own config file (JSON): where the platform is, where to keep state, and the named sources
 * and targets it may read and write. What to move is configured in the console and fetched signed from the
 * platform; this file only says what exists here. `${VAR}` in urls/dirs is replaced from the environment so
 * passwords stay out of the file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EndpointConfig } from './connectors/types.js';

export type TransportConfig = { type: 'http' } | { type: 'mailbox'; outbox: string; inbox: string };

export interface NodeFileConfig {
  platformUrl: string;
  dataDir: string;
  name: string | null;
  sources: Record<string, EndpointConfig>;
  targets: Record<string, EndpointConfig>;
  transport: TransportConfig;
  /** How often the config is fetched (ms); default 10000. */
  pollMs: number;
}

export class NodeConfigError extends Error {}

const ENDPOINT_TYPES = ['postgres', 'mysql', 'csv'] as const;

function substitute(value: string, field: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = env[name];
    if (v === undefined) throw new NodeConfigError(`${field}: environment variable ${name} is not set`);
    return v;
  });
}

function str(obj: Record<string, unknown>, key: string, field: string, required: true): string;
function str(obj: Record<string, unknown>, key: string, field: string, required: false): string | null;
function str(obj: Record<string, unknown>, key: string, field: string, required: boolean): string | null {
  const v = obj[key];
  if (v === undefined || v === null) {
    if (required) throw new NodeConfigError(`${field} is required`);
    return null;
  }
  if (typeof v !== 'string' || v.trim() === '') throw new NodeConfigError(`${field} must be a non-empty string`);
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function endpoints(raw: unknown, field: string, env: NodeJS.ProcessEnv, baseDir: string): Record<string, EndpointConfig> {
  if (raw === undefined) return {};
  if (!isObject(raw)) throw new NodeConfigError(`${field} must be an object {name: {type, url | dir}}`);
  const out: Record<string, EndpointConfig> = {};
  for (const [name, value] of Object.entries(raw)) {
    const f = `${field}.${name}`;
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new NodeConfigError(`${f}: names are 1–64 letters, digits, _ . -`);
    if (!isObject(value)) throw new NodeConfigError(`${f} must be an object {type, url | dir}`);
    const type = value.type;
    if (!ENDPOINT_TYPES.includes(type as (typeof ENDPOINT_TYPES)[number])) throw new NodeConfigError(`${f}.type must be one of ${ENDPOINT_TYPES.join(', ')}`);
    if (type === 'csv') {
      const dir = substitute(str(value, 'dir', `${f}.dir`, true), `${f}.dir`, env);
      out[name] = { type: 'csv', dir: path.resolve(baseDir, dir) };
    } else {
      const url = substitute(str(value, 'url', `${f}.url`, true), `${f}.url`, env);
      const scheme = type === 'postgres' ? /^postgres(ql)?:\/\//i : /^(mysql|mariadb):\/\//i;
      if (!scheme.test(url)) throw new NodeConfigError(`${f}.url must start with ${type === 'postgres' ? 'postgres://' : 'mysql://'}`);
      out[name] = { type: type as 'postgres' | 'mysql', url };
    }
  }
  return out;
}

/** Validates a parsed config file; relative directories are resolved against `baseDir` (the file's directory). */
export function parseNodeConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env, baseDir = process.cwd()): NodeFileConfig {
  if (!isObject(raw)) throw new NodeConfigError('the node config must be a JSON object');
  const platformUrl = substitute(str(raw, 'platformUrl', 'platformUrl', true), 'platformUrl', env).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(platformUrl)) throw new NodeConfigError('platformUrl must be an http(s) URL, e.g. https://govshare.example.gov.cn');
  const dataDir = path.resolve(baseDir, substitute(str(raw, 'dataDir', 'dataDir', true), 'dataDir', env));
  const name = str(raw, 'name', 'name', false);
  const sources = endpoints(raw.sources, 'sources', env, baseDir);
  const targets = endpoints(raw.targets, 'targets', env, baseDir);
  let transport: TransportConfig = { type: 'http' };
  if (raw.transport !== undefined && raw.transport !== 'http') {
    const t = raw.transport;
    if (!isObject(t) || (t.type !== 'mailbox' && t.type !== 'http')) throw new NodeConfigError(`transport must be "http" or {type: "mailbox", outbox, inbox}`);
    if (t.type === 'mailbox') {
      transport = {
        type: 'mailbox',
        outbox: path.resolve(baseDir, substitute(str(t, 'outbox', 'transport.outbox', true), 'transport.outbox', env)),
        inbox: path.resolve(baseDir, substitute(str(t, 'inbox', 'transport.inbox', true), 'transport.inbox', env)),
      };
    }
  }
  let pollMs = 10_000;
  if (raw.pollMs !== undefined) {
    if (typeof raw.pollMs !== 'number' || !Number.isInteger(raw.pollMs) || raw.pollMs < 100 || raw.pollMs > 600_000) {
      throw new NodeConfigError('pollMs must be an integer between 100 and 600000');
    }
    pollMs = raw.pollMs;
  }
  const known = new Set(['platformUrl', 'dataDir', 'name', 'sources', 'targets', 'transport', 'pollMs']);
  for (const key of Object.keys(raw)) if (!known.has(key)) throw new NodeConfigError(`unknown field "${key}"`);
  return { platformUrl, dataDir, name, sources, targets, transport, pollMs };
}

export function loadNodeConfig(file: string, env: NodeJS.ProcessEnv = process.env): NodeFileConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new NodeConfigError(`cannot read node config ${file}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new NodeConfigError(`node config ${file} is not valid JSON: ${(error as Error).message}`);
  }
  return parseNodeConfig(raw, env, path.dirname(path.resolve(file)));
}

/** The endpoints as reported in heartbeats (names and types only, never urls). */
export function reportedEndpoints(config: NodeFileConfig): { name: string; type: 'postgres' | 'mysql' | 'csv'; role: 'source' | 'target' }[] {
  return [
    ...Object.entries(config.sources).map(([name, e]) => ({ name, type: e.type, role: 'source' as const })),
    ...Object.entries(config.targets).map(([name, e]) => ({ name, type: e.type, role: 'target' as const })),
  ];
}
