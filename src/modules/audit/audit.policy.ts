import type { Actor } from '../identity/identity.policy.js';

/** Only the security auditor 安全审计员 reads the audit trail (三员分立). */
export function canReadAudit(actor: Actor): boolean {
  return actor.roles.includes('auditor');
}
