import type { FastifyRequest } from 'fastify';
import type { AuditContext } from '../../modules/audit/index.js';
import type { Authenticated } from '../../modules/identity/auth.service.js';
import type { Actor } from '../../modules/identity/identity.policy.js';
import { DomainError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on every protected route. */
    auth: Authenticated | null;
  }
  interface FastifyContextConfig {
    /** An /api route anyone may call without signing in. */
    public?: boolean;
    /** Reachable while the account still has to change its initial password. */
    allowPendingPasswordChange?: boolean;
  }
}

export function requireAuth(request: FastifyRequest): Authenticated {
  if (!request.auth) throw new DomainError('AUTH_REQUIRED', 'Not signed in (请先登录).');
  return request.auth;
}

export function actorOf(request: FastifyRequest): Actor {
  return requireAuth(request).actor;
}

export function auditContextOf(request: FastifyRequest): AuditContext {
  const actor = request.auth?.actor;
  return { actor: actor ? { userId: actor.userId, username: actor.username, orgId: actor.orgId } : null, ip: request.ip };
}
