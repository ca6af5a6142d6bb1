export { enrolNode, runNode, NodeAgent, NodeAgentError, NODE_AGENT_VERSION, type EnrolInput, type NodeAgentOptions } from './agent.js';
export { loadNodeConfig, parseNodeConfig, reportedEndpoints, NodeConfigError, type NodeFileConfig, type TransportConfig } from './config.js';
export { Publisher, extractPlanOf, keyLineOf, type PublisherDeps, type RunSummary } from './publisher.js';
export { Subscriber, type SubscriberDeps, type DeliveryOutcome } from './subscriber.js';
export { Reconciler, type ReconcilerDeps } from './reconcile.js';
export { NodeStore, readBatchHeader, EMPTY_STATE, type NodeIdentity, type TaskState, type FileMark, type OutboxEntry } from './store.js';
export * from './transport/index.js';
export { createNodeLogger } from './log.js';
