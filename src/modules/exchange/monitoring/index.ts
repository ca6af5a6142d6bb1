/** Exchange monitoring (交换监控): read-only views of batches, deliveries, runs, failures and the exchange log; volume; inbox alerts. */
export {
  createMonitoringService, monitorScopeOf, logToCsv, volumeBuckets, LOG_EXPORT_COLUMNS,
  type MonitoringService, type ExchangeSummary, type AlertCounts, type MonitorScope,
} from './monitoring.service.js';
export { FAILURE_THRESHOLD, SILENT_AFTER_MS } from './monitoring.alerts.js';
export { monitoringRoutes } from './monitoring.routes.js';
