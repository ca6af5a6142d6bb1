/**
 * The exchange protocol: what node agents and the platform both speak. Import-free of the database and of
 * HTTP, so the node agent (src/node-agent) imports only this and ../flows.types.
 */
export * from '../node-signing.js';
export * from './batch-format.js';
export * from './node-config.js';
export * from './copy-text.js';
export * from './cron.js';
export * from './node-api.js';
