// STUB (replaced by the monitoring area): batches, deliveries, runs, failures, exchange log, volume; alerts.
import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../../platform/db/database.js';

export function createMonitoringService(_deps: { db: Database; now?: () => Date }) {
  return { async runJobs(): Promise<void> {} };
}
export type MonitoringService = ReturnType<typeof createMonitoringService>;

export function monitoringRoutes(_deps: { monitoring: MonitoringService }): FastifyPluginAsync {
  return async () => {};
}
