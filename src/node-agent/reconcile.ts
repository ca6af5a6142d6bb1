/**
 * Reconciliation (对账): for each entry of NodeConfig.reconciliations, count and checksum what this node holds
 * (source: every task column; target: the subscription's mapped items as delivered) and report it once.
 */
import type { NodeConfig } from '../modules/exchange/flows.types.js';
import type { ReconciliationReportBody } from '../modules/exchange/protocol/index.js';
import type { SourceConnector, TargetConnector } from './connectors/types.js';
import { errorText, type Logger } from './log.js';
import { extractPlanOf } from './publisher.js';
import { EMPTY_STATE, type NodeStore } from './store.js';
import type { Transport } from './transport/types.js';

export interface ReconcilerDeps {
  store: NodeStore;
  transport: Transport;
  source(name: string): Promise<SourceConnector>;
  target(name: string): Promise<TargetConnector>;
  log: Logger;
}

const REPORTED_FILE = 'reconciliations.json';

export class Reconciler {
  private running: Promise<void> | null = null;

  constructor(private readonly deps: ReconcilerDeps) {}

  /** Reports every reconciliation not yet reported (one at a time; a call while one runs is skipped). */
  check(config: NodeConfig): Promise<void> {
    if (!config.reconciliations.length || this.running) return this.running ?? Promise.resolve();
    this.running = this.runAll(config).finally(() => { this.running = null; });
    return this.running;
  }

  private async runAll(config: NodeConfig): Promise<void> {
    const { store, log } = this.deps;
    const reported = new Set(await store.readJson<string[]>(REPORTED_FILE, []));
    for (const r of config.reconciliations) {
      const key = `${r.id}:${r.taskId ?? ''}:${r.subscriptionId ?? ''}`;
      if (reported.has(key)) continue;
      try {
        const body = await this.compute(config, r);
        if (!body) continue;
        await this.deps.transport.reconciliationReport(r.id, body);
        reported.add(key);
        // Keep the list short: ids not in the config any more are finished on the platform.
        const live = new Set(config.reconciliations.map((x) => `${x.id}:${x.taskId ?? ''}:${x.subscriptionId ?? ''}`));
        await store.writeJson(REPORTED_FILE, [...reported].filter((k) => live.has(k)));
        log.info({ reconciliationId: r.id, side: body.side, count: body.count, checksum: body.checksum }, 'reconciliation reported');
      } catch (error) {
        log.warn({ reconciliationId: r.id, err: errorText(error) }, 'reconciliation failed; will retry');
      }
    }
  }

  async compute(config: NodeConfig, r: NodeConfig['reconciliations'][number]): Promise<ReconciliationReportBody | null> {
    if (r.taskId) {
      const task = config.tasks.find((t) => t.id === r.taskId);
      if (!task || task.kind !== 'table') return null;
      const source = await this.deps.source(task.sourceName);
      const plan = { ...extractPlanOf(task, EMPTY_STATE), mode: 'full' as const, after: null };
      const { count, checksum } = await source.checksum(plan);
      return { side: 'source', subscriptionId: null, count, checksum };
    }
    if (r.subscriptionId) {
      const sub = config.subscriptions.find((s) => s.id === r.subscriptionId);
      if (!sub || sub.kind !== 'table') return null;
      const columns = sub.columns ?? Object.entries(sub.columnMap).map(([item, column]) => ({ item, dataType: 'C', column }));
      const target = await this.deps.target(sub.targetName);
      const { count, checksum } = await target.checksum({ table: sub.targetTable, columns: columns.map((c) => c.column), dataTypes: columns.map((c) => c.dataType) });
      return { side: 'target', subscriptionId: sub.id, count, checksum };
    }
    return null;
  }
}
