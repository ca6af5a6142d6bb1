import type { Config } from '../../config.js';
import { recordAuditEvent, type AuditContext } from '../audit/index.js';
import { randomToken, safeEqual, sm3Hex } from '../../platform/crypto/sm3.js';
import type { Database } from '../../platform/db/database.js';
import { DomainError } from '../../platform/errors.js';
import { FixedWindowLimiter } from '../../platform/rate-limiter.js';
import type { Actor, Role } from './identity.policy.js';
import { identityRepository, type UserRow } from './identity.repository.js';
import { hashPassword, passwordPolicyProblem, verifyAgainstDummy, verifyPassword } from './password.js';

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  orgId: string | null;
  orgName: string | null;
  mustChangePassword: boolean;
}

export interface Authenticated {
  actor: Actor;
  user: SessionUser;
  sessionId: string;
  csrfToken: string;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

const toSessionUser = (u: UserRow): SessionUser => ({
  id: u.id,
  username: u.username,
  displayName: u.display_name,
  roles: u.roles,
  orgId: u.org_id,
  orgName: u.org_name,
  mustChangePassword: u.must_change_password,
});

const actorOf = (u: UserRow): Actor => ({ userId: u.id, username: u.username, orgId: u.org_id, roles: u.roles });

/** Sessions are looked up by the SM3 of their token; the token itself is never stored. */
const sessionIdOf = (token: string) => sm3Hex(token);

// Refreshing last_seen_at on every request would write on every request; a few seconds' slack is harmless.
const TOUCH_INTERVAL_MS = 15_000;

export function createAuthService(deps: { db: Database; security: Config['security']; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const { security } = deps;
  const perAccount = new FixedWindowLimiter(security.loginRatePerAccount, 15 * 60_000);
  const perAddress = new FixedWindowLimiter(security.loginRatePerAddress, 60_000);
  const idleMs = security.sessionIdleMinutes * 60_000;

  return {
    /**
     * Checks the password and opens a session. Five wrong passwords (configurable) lock the account for
     * ten minutes (configurable); while locked even the right password is refused with AUTH_LOCKED.
     */
    async login(input: { username: string; password: string }, client: ClientInfo) {
      const username = input.username.trim().toLowerCase();
      const at = now();
      const byAccount = perAccount.hit(username, at.getTime());
      const byAddress = perAddress.hit(client.ip ?? 'unknown', at.getTime());
      if (!byAccount.allowed || !byAddress.allowed) {
        const resetAt = new Date(Math.max(byAccount.allowed ? 0 : byAccount.resetAt, byAddress.allowed ? 0 : byAddress.resetAt));
        throw new DomainError('RATE_LIMITED', 'Too many login attempts; try again later (登录尝试过于频繁，请稍后再试).', { retryAt: resetAt.toISOString() });
      }
      const anonymous: AuditContext = { actor: null, ip: client.ip };
      const user = await identityRepository(deps.db).findUserByUsername(username);
      if (!user) {
        await verifyAgainstDummy(input.password);
        await deps.db.transaction().execute((trx) =>
          recordAuditEvent(trx, anonymous, { action: 'auth.login_failed', targetType: 'user', detail: { username, reason: 'unknown_user' } }, at),
        );
        throw new DomainError('AUTH_INVALID', 'Wrong username or password (用户名或密码错误).');
      }
      const subject: AuditContext = { actor: { userId: user.id, username: user.username, orgId: user.org_id }, ip: client.ip };
      if (user.locked_until && user.locked_until > at) {
        await deps.db.transaction().execute((trx) =>
          recordAuditEvent(trx, subject, { action: 'auth.login_failed', targetType: 'user', targetId: user.id, detail: { username, reason: 'locked' } }, at),
        );
        throw lockedError(user.locked_until);
      }

      if (!(await verifyPassword(user.password_hash, input.password))) {
        const outcome = await deps.db.transaction().execute(async (trx) => {
          const repo = identityRepository(trx);
          // A lock that has run out starts a fresh count.
          if (user.locked_until) await repo.updateUser(user.id, { failed_attempts: 0, locked_until: null });
          const attempts = await repo.incrementFailedAttempts(user.id);
          if (attempts >= security.lockoutThreshold) {
            const lockedUntil = new Date(at.getTime() + security.lockoutMinutes * 60_000);
            await repo.updateUser(user.id, { failed_attempts: 0, locked_until: lockedUntil });
            await repo.deleteUserSessions(user.id);
            await recordAuditEvent(trx, subject, { action: 'auth.locked', targetType: 'user', targetId: user.id, detail: { username, attempts, lockedUntil: lockedUntil.toISOString() } }, at);
            return { lockedUntil, remaining: 0 };
          }
          await recordAuditEvent(trx, subject, { action: 'auth.login_failed', targetType: 'user', targetId: user.id, detail: { username, reason: 'wrong_password', attempts } }, at);
          return { lockedUntil: null, remaining: security.lockoutThreshold - attempts };
        });
        if (outcome.lockedUntil) throw lockedError(outcome.lockedUntil);
        throw new DomainError('AUTH_INVALID', `Wrong username or password (用户名或密码错误); ${outcome.remaining} attempt(s) left before the account is locked.`, { remainingAttempts: outcome.remaining });
      }

      if (user.disabled) {
        await deps.db.transaction().execute((trx) =>
          recordAuditEvent(trx, subject, { action: 'auth.login_failed', targetType: 'user', targetId: user.id, detail: { username, reason: 'disabled' } }, at),
        );
        throw new DomainError('AUTH_DISABLED', 'This account is disabled (账号已停用); ask your administrator.');
      }

      const token = randomToken();
      const csrfToken = randomToken(24);
      const sessionId = sessionIdOf(token);
      await deps.db.transaction().execute(async (trx) => {
        const repo = identityRepository(trx);
        await repo.updateUser(user.id, { failed_attempts: 0, locked_until: null, last_login_at: at });
        await repo.insertSession({
          id: sessionId, user_id: user.id, csrf_token: csrfToken, created_at: at, last_seen_at: at,
          expires_at: new Date(at.getTime() + security.sessionMaxHours * 3_600_000), ip: client.ip, user_agent: client.userAgent?.slice(0, 300) ?? null,
        });
        await recordAuditEvent(trx, subject, { action: 'auth.login', targetType: 'session', targetId: sessionId.slice(0, 16), detail: { username, userAgent: client.userAgent?.slice(0, 200) ?? null } }, at);
      });
      return { token, csrfToken, user: toSessionUser(user) };
    },

    /** Resolves a session token; expires it after the idle timeout or its absolute lifetime. */
    async authenticate(token: string): Promise<Authenticated> {
      const at = now();
      const repo = identityRepository(deps.db);
      const sessionId = sessionIdOf(token);
      const session = await repo.findSession(sessionId);
      if (!session) throw new DomainError('AUTH_REQUIRED', 'Not signed in, or the session has ended (请先登录).');
      if (at.getTime() - new Date(session.last_seen_at).getTime() > idleMs || new Date(session.expires_at) <= at) {
        await repo.deleteSession(sessionId);
        throw new DomainError('AUTH_SESSION_EXPIRED', 'The session has timed out; please sign in again (会话已超时，请重新登录).');
      }
      const user = await repo.findUserById(session.user_id);
      if (!user || user.disabled) {
        await repo.deleteSession(sessionId);
        throw new DomainError('AUTH_REQUIRED', 'Not signed in, or the session has ended (请先登录).');
      }
      if (at.getTime() - new Date(session.last_seen_at).getTime() > TOUCH_INTERVAL_MS) await repo.touchSession(sessionId, at);
      return { actor: actorOf(user), user: toSessionUser(user), sessionId, csrfToken: session.csrf_token };
    },

    checkCsrf(auth: Authenticated, header: string | undefined): void {
      if (!header || !safeEqual(header, auth.csrfToken)) {
        throw new DomainError('CSRF_INVALID', 'Missing or wrong X-CSRF-Token header for a cookie-authenticated request (请求校验失败，请刷新页面).');
      }
    },

    async logout(auth: Authenticated, ctx: AuditContext): Promise<void> {
      await deps.db.transaction().execute(async (trx) => {
        await identityRepository(trx).deleteSession(auth.sessionId);
        await recordAuditEvent(trx, ctx, { action: 'auth.logout', targetType: 'session', targetId: auth.sessionId.slice(0, 16) }, now());
      });
    },

    /** Changes the actor's own password; ends its other sessions. */
    async changePassword(auth: Authenticated, ctx: AuditContext, input: { oldPassword: string; newPassword: string }): Promise<void> {
      const repo = identityRepository(deps.db);
      const user = await repo.findUserById(auth.actor.userId);
      if (!user) throw new DomainError('AUTH_REQUIRED', 'Not signed in.');
      if (!(await verifyPassword(user.password_hash, input.oldPassword))) {
        throw new DomainError('PASSWORD_OLD_INVALID', 'The current password is wrong (原密码错误).', { field: 'oldPassword' });
      }
      const problem = passwordPolicyProblem(input.newPassword, user.username);
      if (problem) throw new DomainError('PASSWORD_POLICY', problem, { field: 'newPassword' });
      if (input.newPassword === input.oldPassword || (await verifyPassword(user.password_hash, input.newPassword))) {
        throw new DomainError('PASSWORD_REUSED', 'The new password must differ from the current one (新密码不能与原密码相同).', { field: 'newPassword' });
      }
      const hash = await hashPassword(input.newPassword);
      await deps.db.transaction().execute(async (trx) => {
        const r = identityRepository(trx);
        await r.updateUser(user.id, { password_hash: hash, must_change_password: false, password_changed_at: now() });
        await r.deleteUserSessions(user.id, auth.sessionId);
        await recordAuditEvent(trx, ctx, { action: 'auth.password_changed', targetType: 'user', targetId: user.id, detail: { username: user.username, forced: user.must_change_password } }, now());
      });
    },

    /** Deletes idle and expired sessions (run periodically). */
    async sweepSessions(): Promise<void> {
      const at = now();
      await identityRepository(deps.db).deleteExpiredSessions(new Date(at.getTime() - idleMs), at);
    },
  };
}

function lockedError(lockedUntil: Date): DomainError {
  return new DomainError(
    'AUTH_LOCKED',
    `The account is locked after too many wrong passwords until ${lockedUntil.toISOString()} (账号已锁定).`,
    { lockedUntil: lockedUntil.toISOString() },
  );
}

export type AuthService = ReturnType<typeof createAuthService>;
