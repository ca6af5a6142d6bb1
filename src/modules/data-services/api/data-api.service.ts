import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { FastifyRequest } from 'fastify';
import type { Database } from '../../../platform/db/database.js';
import type { SealedBox } from '../../../platform/crypto/sealed-box.js';
import { DomainError, httpStatusFor } from '../../../platform/errors.js';
import { onPlatformEvent } from '../../../platform/events.js';
import type { Logger } from '../../../platform/logger.js';
import { publishedDataResource, type PublishedDataResource } from '../../catalog/index.js';
import type { AppCredentialsRecord, AppsService } from '../apps/index.js';
import { datastoreLayout, type DatastoreService } from '../datastore/index.js';
import { verifySignedRequest, type NonceStore } from '../request-signing.js';
import { resourceKindOf, type DataResourceKind } from '../resource-kinds.js';
import { createCallLogWriter, type CallEntry } from './call-log-writer.js';
import type { DataCallContext, DataCallOutcome, RunDataCall } from './data-call.types.js';
import { createGrantResolver } from './grant-resolution.js';
import { bucketedNonceStore } from './nonce-store.js';
import { createQuota, type QuotaTicket } from './quota.js';
import { singleFlight, TtlCache } from './ttl-cache.js';

export interface DataApiDeps {
  db: Database;
  now?: () => Date;
  box: SealedBox;
  apps: AppsService;
  datastore: DatastoreService;
  logger?: Logger;
  /** Directory for the call-log journal; absent: memory only (tests). */
  journalDir?: string;
  /** Nonces seen (default: this process's memory). */
  nonces?: NonceStore;
}

export type DataResource = PublishedDataResource & { kind: DataResourceKind };

/** Apps and resources are cached this long; changes made in this process drop them at once. */
const APP_CACHE_MS = 10_000;
const RESOURCE_CACHE_MS = 10_000;

const signatureInvalid = (reason: string) => new DomainError('SIGNATURE_INVALID', `The request signature is invalid: ${reason} (请求签名无效).`);

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

const partsByUrl = { url: '', parts: null as { path: string; query: [string, string][] } | null };

/** The decoded path and query pairs as they were signed (the last URL's are kept: each call asks twice). */
export function signedPartsOf(url: string): { path: string; query: [string, string][] } {
  if (partsByUrl.url === url && partsByUrl.parts) return partsByUrl.parts;
  const parts = parseSignedParts(url);
  partsByUrl.url = url;
  partsByUrl.parts = parts;
  return parts;
}

function parseSignedParts(url: string): { path: string; query: [string, string][] } {
  const q = url.indexOf('?');
  let path: string;
  try {
    path = decodeURIComponent(q < 0 ? url : url.slice(0, q));
  } catch {
    throw signatureInvalid('the path is not valid percent-encoding');
  }
  return { path, query: q < 0 ? [] : [...new URLSearchParams(url.slice(q + 1))] };
}

/**
 * The signed data API's core (docs/data-services-api.md, "Data API"): `runDataCall` authenticates the
 * signature, checks the app, resource, grant, items and quota in the contract's order, runs the handler and
 * logs every call, refused or not. The hot path avoids the database except for the handler's own query:
 * apps, resources and grants are cached in-process (grants at most a second, positive results only, and
 * re-checked against the clock on each call), quota is served from reserved blocks, and the call log is
 * journalled and written in batches.
 */
export function createDataApi(deps: DataApiDeps) {
  const { db, apps } = deps;
  const now = deps.now ?? (() => new Date());
  const nonces = deps.nonces ?? bucketedNonceStore();
  const appCache = new TtlCache<AppCredentialsRecord>(APP_CACHE_MS);
  const resourceCache = new TtlCache<DataResource>(RESOURCE_CACHE_MS);
  const grants = createGrantResolver({ db });
  const quota = createQuota({ db });
  const callLog = createCallLogWriter({ db, journalDir: deps.journalDir, logger: deps.logger });
  const unsubscribe = [
    onPlatformEvent('app.changed', (appKey) => { appGeneration++; appCache.delete(appKey); loadApp.forget(appKey); }),
    onPlatformEvent('grant.changed', (grantId) => {
      grants.invalidate(grantId);
      // The event fires inside the changing transaction: drop again once it has committed, in case a call cached
      // the old row in between.
      setTimeout(() => grants.invalidate(grantId), 100).unref();
      void quota.forget(grantId).catch(() => undefined);
    }),
  ];
  let releaseTimer: NodeJS.Timeout | null = null;

  // Generation counters: a load that started before an invalidation must not put its stale result back.
  let appGeneration = 0;
  const loadApp = singleFlight(async (appKey: string) => {
    const generation = appGeneration;
    const found = await apps.credentialsByKey(appKey);
    if (found && generation === appGeneration) appCache.set(appKey, found);
    if (!found) appCache.delete(appKey);
    return found;
  });
  /** The datastore layout (cached by the datastore module); concurrent calls share one read. */
  const layoutOf = singleFlight((resourceId: string) => datastoreLayout(db, resourceId));
  const loadResource = singleFlight(async (code: string) => {
    const found = await publishedDataResource(db, { code });
    if (!found) {
      resourceCache.delete(code);
      return null;
    }
    const resource: DataResource = { ...found, kind: resourceKindOf(found.formatClass) };
    resourceCache.set(code, resource);
    return resource;
  });

  /** Cached value, re-read in the background once older than `refreshMs` (so calls never wait for the database). */
  function cachedOrLoad<V>(cache: TtlCache<V>, key: string, load: (key: string) => Promise<V | null>, refreshMs: number): V | Promise<V | null> {
    const hit = cache.entry(key);
    if (!hit) return load(key);
    if (Date.now() - hit.at > refreshMs) void load(key).catch(() => undefined);
    return hit.value;
  }

  // Synchronous when cached: the hot path awaits only what really waits.
  const appByKey = (appKey: string) => cachedOrLoad(appCache, appKey, loadApp, APP_CACHE_MS / 2);
  const resourceByCode = (code: string) => cachedOrLoad(resourceCache, code, loadResource, RESOURCE_CACHE_MS / 2);
  const isPromise = <V>(v: V | Promise<V>): v is Promise<V> => typeof (v as { then?: unknown } | null)?.then === 'function';

  /** Signature headers → app → signature, clock and nonce. */
  async function authenticate(request: FastifyRequest, at: Date, entry: CallEntry): Promise<AppCredentialsRecord> {
    const appKey = header(request, 'x-app-key');
    const timestamp = header(request, 'x-timestamp');
    const nonce = header(request, 'x-nonce');
    const signature = header(request, 'x-signature');
    if (!appKey || !timestamp || !nonce || !signature) throw signatureInvalid('X-App-Key, X-Timestamp, X-Nonce and X-Signature are required');
    if (appKey.length > 64) throw signatureInvalid('X-App-Key is malformed');
    entry.app_key = appKey;
    const { path, query } = signedPartsOf(request.url);
    const parts = { method: request.method, path, query, timestamp, nonce, body: request.rawBody ?? '' };
    const found = appByKey(appKey);
    const app = isPromise(found) ? await found : found;
    if (app) {
      entry.app_id = app.id;
      entry.app_name = app.name;
      entry.consumer_org_id = app.orgId;
    }
    // An unknown key costs the same work as a bad signature and gets the same answer.
    const check = await verifySignedRequest({
      appKey, secret: app?.secret ?? '\u0000unknown-app', signature, parts, now: at.getTime(),
      nonces: app ? nonces : { remember: async () => true },
    });
    if (!check.ok) {
      if (check.code === 'REPLAYED') throw new DomainError('REPLAYED', 'This X-Nonce was already used (请求重放：随机数已使用过).');
      throw signatureInvalid(check.reason);
    }
    if (!app) throw signatureInvalid('the signature does not match the request');
    if (app.status !== 'active') throw new DomainError('APP_DISABLED', 'The application is disabled (应用已停用).');
    return app;
  }

  const runDataCall: RunDataCall = async (request, reply, spec, handle) => {
    const started = performance.now();
    const at = now();
    const entry: CallEntry = {
      id: randomUUID(), at: at.toISOString(), app_id: null, app_key: null, app_name: null, consumer_org_id: null, provider_org_id: null,
      resource_id: null, resource_code: spec.resourceCode, grant_id: null, operation: spec.operation, items: [], rows: 0, status: 200,
      error_code: null, latency_ms: 0, client_ip: request.ip ?? null,
    };
    const outcome: DataCallOutcome = { items: [], rows: 0 };
    let ticket: QuotaTicket | null = null;
    try {
      const app = await authenticate(request, at, entry);
      const foundResource = resourceByCode(spec.resourceCode);
      const resource = isPromise(foundResource) ? await foundResource : foundResource;
      if (!resource) throw new DomainError('DATA_RESOURCE_NOT_FOUND', `No published resource ${spec.resourceCode} (资源不存在或未发布).`);
      entry.resource_id = resource.id;
      entry.provider_org_id = resource.providerOrgId;
      if (resource.kind !== spec.kind) {
        throw new DomainError('DATA_KIND_MISMATCH', `Resource ${spec.resourceCode} is served as ${resource.kind}, not ${spec.kind} (资源类型不符).`, { kind: resource.kind });
      }
      const grant = grants.cached(app, resource.id, at) ?? await grants.resolve(app, resource.id, at);
      entry.grant_id = grant.id;
      const ctx: DataCallContext = { app: { id: app.id, appKey: app.appKey, name: app.name, orgId: app.orgId }, grant, resource };
      if (spec.check) await spec.check(ctx, outcome);
      ticket = quota.takeLocal(grant, at) ?? await quota.take(grant, at);
      const result = await handle(ctx, outcome);
      entry.status = reply.statusCode;
      return result;
    } catch (error) {
      ticket?.refund();
      if (error instanceof DomainError) {
        entry.status = httpStatusFor(error.code);
        entry.error_code = error.code;
        if (error.code === 'QUOTA_EXCEEDED' && typeof error.extra.resetAt === 'string') {
          reply.header('retry-after', String(Math.max(1, Math.ceil((Date.parse(error.extra.resetAt) - at.getTime()) / 1000))));
        }
      } else if ((error as { validation?: unknown }).validation) {
        entry.status = 400;
        entry.error_code = 'VALIDATION_FAILED';
      } else {
        entry.status = 500;
        entry.error_code = 'INTERNAL';
      }
      throw error;
    } finally {
      entry.items = outcome.items;
      entry.rows = outcome.rows;
      entry.latency_ms = Math.round((performance.now() - started) * 100) / 100;
      callLog.record(entry);
    }
  };

  return {
    runDataCall,
    /** Starts background work (journal replay, flush timer, giving back idle quota blocks). */
    async start(): Promise<void> {
      await callLog.start();
      if (!releaseTimer) {
        releaseTimer = setInterval(() => { void quota.release(5000).catch(() => undefined); }, 2000);
        releaseTimer.unref();
      }
    },
    /** Flushes the call log to the database. */
    async flush(): Promise<void> {
      await callLog.flush();
    },
    /** Flushes and stops background work; gives back reserved quota. */
    async close(): Promise<void> {
      if (releaseTimer) clearInterval(releaseTimer);
      releaseTimer = null;
      for (const off of unsubscribe.splice(0)) off();
      await quota.release().catch((error) => deps.logger?.warn({ module: 'data-api', err: error }, 'could not give back quota'));
      await callLog.close();
    },
    /** Drops every cached app, resource and grant (tests; after bulk changes). */
    clearCaches(): void {
      appCache.clear();
      resourceCache.clear();
      grants.clear();
    },
    datastore: deps.datastore,
    layoutOf,
    db,
    box: deps.box,
    apps,
    now,
  };
}

export type DataApi = ReturnType<typeof createDataApi>;
