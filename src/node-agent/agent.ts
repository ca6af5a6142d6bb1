/**
 * The node agent (前置机): enrolment, then a long-running process that heartbeats, fetches its signed config
 * (falling back to the verified cache while the platform is unreachable), publishes tasks, applies
 * subscriptions and answers reconciliations. Every connection is outbound.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { NodeConfig, SignedNodeConfig } from '../modules/exchange/flows.types.js';
import { generateNodeKeyPair, signEnrolment, verifyNodeConfig, type HeartbeatBody, type NodeKeyPair } from '../modules/exchange/protocol/index.js';
import type { OpenSource, OpenTarget, SourceConnector, TargetConnector } from './connectors/types.js';
import { reportedEndpoints, type NodeFileConfig } from './config.js';
import { createNodeLogger, errorText, type Logger } from './log.js';
import { Publisher } from './publisher.js';
import { Reconciler } from './reconcile.js';
import { NodeStore, type NodeIdentity } from './store.js';
import { Subscriber } from './subscriber.js';
import { httpTransport, mailboxTransport, postEnrolment, TransportError, type Transport } from './transport/index.js';

export const NODE_AGENT_VERSION: string = (() => {
  // src/node-agent (tsx) or dist/server/node-agent (built): the package root is two or three levels up.
  for (const up of ['../..', '../../..']) {
    try {
      const pkg = JSON.parse(readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), up, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'govshare' && pkg.version) return pkg.version;
    } catch {
      // try the next level
    }
  }
  return '0.0.0';
})();

export class NodeAgentError extends Error {}

export interface EnrolInput { token: string; name?: string | null; contact?: string | null; address?: string | null }

/** Generates a fresh SM2 key pair, enrols with the one-time token and stores node.key (0600) and node.json. */
export async function enrolNode(config: NodeFileConfig, input: EnrolInput, deps: { fetch?: typeof fetch } = {}): Promise<NodeIdentity & { status: string }> {
  const store = new NodeStore(config.dataDir);
  await store.init();
  const existing = await store.readIdentity();
  if (existing) throw new NodeAgentError(`this data directory is already enrolled as node ${existing.nodeId}; use a new dataDir to enrol again`);
  const key = generateNodeKeyPair();
  const name = input.name ?? config.name;
  if (!name) throw new NodeAgentError('a node name is needed: --name or "name" in the config file');
  // Absent fields are left out (not sent as null): the proof covers exactly what is sent.
  const fields = {
    token: input.token, publicKey: key.publicKey, name, version: NODE_AGENT_VERSION,
    ...(input.address ? { address: input.address } : {}), ...(input.contact ? { contact: input.contact } : {}),
  };
  // The key is stored before the call so a lost response never leaves an enrolled key we do not hold.
  await store.writeKey(key);
  const result = await postEnrolment(config.platformUrl, signEnrolment(fields, key), deps.fetch);
  const identity: NodeIdentity = { nodeId: result.nodeId, platformUrl: config.platformUrl, platformPublicKey: null, enrolledAt: new Date().toISOString() };
  await store.writeIdentity(identity);
  return { ...identity, status: result.status };
}

export interface NodeAgentOptions {
  config: NodeFileConfig;
  log?: Logger;
  /** Overrides for tests; by default from the config file. */
  transport?: Transport;
  openSource?: OpenSource;
  openTarget?: OpenTarget;
  heartbeatMs?: number;
  waitMs?: number;
}

export class NodeAgent {
  readonly store: NodeStore;
  readonly log: Logger;
  publisher!: Publisher;
  subscriber!: Subscriber;
  reconciler!: Reconciler;
  transport!: Transport;
  identity!: NodeIdentity;
  key!: NodeKeyPair;
  /** The config in force (verified), and whether it came from the cache because the platform is down. */
  current: SignedNodeConfig | null = null;
  platformReachable = false;
  private timers: NodeJS.Timeout[] = [];
  private readonly sources = new Map<string, Promise<SourceConnector>>();
  private readonly targets = new Map<string, Promise<TargetConnector>>();
  private stopping: Promise<void> | null = null;
  /** Aborts in-flight HTTP calls on stop (an interrupted upload is simply sent again: uploads are idempotent). */
  private readonly shutdown = new AbortController();

  constructor(private readonly options: NodeAgentOptions) {
    this.store = new NodeStore(options.config.dataDir);
    this.log = options.log ?? createNodeLogger();
  }

  private async connector<C>(map: Map<string, Promise<C>>, kind: 'sources' | 'targets', name: string, open: (cfg: never) => Promise<C>): Promise<C> {
    let p = map.get(name);
    if (!p) {
      const cfg = this.options.config[kind][name];
      if (!cfg) throw new NodeAgentError(`the node config file has no ${kind === 'sources' ? 'source' : 'target'} named "${name}"`);
      p = open(cfg as never);
      map.set(name, p);
      p.catch(() => map.delete(name));
    }
    return p;
  }

  async start(): Promise<void> {
    const { config } = this.options;
    await this.store.init();
    const identity = await this.store.readIdentity();
    const key = await this.store.readKey();
    if (!identity || !key) throw new NodeAgentError(`not enrolled: run "govshare node enrol --config <file> --token <token>" first (dataDir ${config.dataDir})`);
    this.identity = identity;
    this.key = key;
    const { openSource, openTarget } = this.options.openSource && this.options.openTarget
      ? { openSource: this.options.openSource, openTarget: this.options.openTarget }
      : await import('./connectors/index.js');
    this.transport = this.options.transport ?? (config.transport.type === 'mailbox'
      ? mailboxTransport({ outbox: config.transport.outbox, inbox: config.transport.inbox, nodeId: identity.nodeId, key })
      : httpTransport({ platformUrl: config.platformUrl, nodeId: identity.nodeId, key, signal: this.shutdown.signal }));
    const source = (name: string) => this.connector(this.sources, 'sources', name, openSource as never);
    const target = (name: string) => this.connector(this.targets, 'targets', name, openTarget as never);
    this.publisher = new Publisher({ store: this.store, key, transport: this.transport, source, log: this.log });
    this.subscriber = new Subscriber({ transport: this.transport, target, log: this.log, waitMs: this.options.waitMs, platformPublicKey: () => this.current?.config.platformPublicKey ?? null });
    this.reconciler = new Reconciler({ store: this.store, transport: this.transport, source, target, log: this.log });

    const cached = await this.store.readConfigCache(identity.platformPublicKey);
    if (cached) {
      this.apply(cached);
      this.log.info({ issuedAt: cached.config.issuedAt, tasks: cached.config.tasks.length, subscriptions: cached.config.subscriptions.length }, 'loaded the cached node config');
    }
    await this.publisher.start();
    await this.refreshConfig();
    void this.heartbeat();
    this.timers.push(setInterval(() => void this.refreshConfig(), config.pollMs));
    this.timers.push(setInterval(() => void this.heartbeat(), this.options.heartbeatMs ?? 30_000));
    this.log.info({ nodeId: identity.nodeId, platformUrl: config.platformUrl, transport: this.transport.kind, version: NODE_AGENT_VERSION }, 'node agent started');
  }

  private apply(signed: SignedNodeConfig): void {
    this.current = signed;
    this.publisher.update(signed.config);
    this.subscriber.update(signed.config);
    void this.reconciler.check(signed.config);
  }

  /** Fetches the signed config; verifies it against the pinned platform key (pinning it on first use). */
  async refreshConfig(): Promise<boolean> {
    if (this.stopping) return false;
    let signed: SignedNodeConfig;
    try {
      signed = await this.transport.fetchConfig();
    } catch (error) {
      if (this.platformReachable || !this.current) {
        const e = error as TransportError;
        this.log.warn({ code: e.code, status: e.status, err: errorText(error), usingCache: Boolean(this.current) },
          e.code === 'NODE_NOT_APPROVED' ? 'the node is not approved yet' : 'cannot fetch the node config; working from the cached config');
      }
      this.platformReachable = false;
      if (this.current) void this.reconciler.check(this.current.config);
      return false;
    }
    this.platformReachable = true;
    const pinned = this.identity.platformPublicKey;
    const key = pinned ?? signed.config?.platformPublicKey;
    if (!key || !verifyNodeConfig(signed, key) || signed.config.nodeId !== this.identity.nodeId) {
      this.log.error({ pinned: Boolean(pinned) }, 'the fetched node config failed verification (wrong platform key, signature or node id); ignored');
      return false;
    }
    if (!pinned) {
      this.identity = { ...this.identity, platformPublicKey: key };
      await this.store.writeIdentity(this.identity);
      this.log.info({ platformPublicKey: key }, 'pinned the platform public key (trust on first use)');
    }
    if (this.current?.signature !== signed.signature) {
      await this.store.writeConfigCache(signed);
      this.apply(signed);
      this.log.info({ issuedAt: signed.config.issuedAt, tasks: signed.config.tasks.length, subscriptions: signed.config.subscriptions.length }, 'node config updated');
    } else {
      void this.reconciler.check(signed.config);
    }
    return true;
  }

  async heartbeatBody(): Promise<HeartbeatBody> {
    const backlog = (await this.publisher.backlog()) + this.subscriber.backlog();
    const problems = [...(this.current ? [] : ['no verified node config yet']), ...this.publisher.problems(), ...this.subscriber.problems()];
    return {
      version: NODE_AGENT_VERSION,
      status: problems.length ? 'degraded' : 'ok',
      backlog,
      detail: problems.length ? problems.join('; ').slice(0, 500) : null,
      endpoints: reportedEndpoints(this.options.config),
    };
  }

  async heartbeat(): Promise<void> {
    if (this.stopping) return;
    try {
      await this.transport.heartbeat(await this.heartbeatBody());
    } catch (error) {
      this.log.warn({ code: (error as TransportError).code, err: errorText(error) }, 'heartbeat failed');
    }
  }

  /** Stops scheduling, lets in-flight work finish its current step, closes connectors. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const t of this.timers) clearInterval(t);
      this.shutdown.abort();
      await Promise.allSettled([this.publisher?.stop(), this.subscriber?.stop()]);
      for (const p of [...this.sources.values(), ...this.targets.values()]) await p.then((c) => (c as { close(): Promise<void> }).close()).catch(() => {});
      await this.transport?.close?.();
      this.log.info('node agent stopped');
    })();
    return this.stopping;
  }
}

export async function runNode(options: NodeAgentOptions): Promise<NodeAgent> {
  const agent = new NodeAgent(options);
  await agent.start();
  return agent;
}

export type { NodeConfig };
