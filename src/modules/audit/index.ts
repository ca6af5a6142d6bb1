export { recordAuditEvent, verifyAuditChain, createAuditService, type AuditService, type ChainVerification } from './audit.service.js';
export { AUDIT_ACTIONS, AUDIT_ACTION_LABELS, type AuditAction, type AuditContext, type AuditEventInput } from './audit.types.js';
export { auditRoutes } from './audit.routes.js';
