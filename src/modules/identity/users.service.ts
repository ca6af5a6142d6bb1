import { recordAuditEvent, type AuditContext } from '../audit/index.js';
import type { Database } from '../../platform/db/database.js';
import { DomainError } from '../../platform/errors.js';
import {
  canAssignRoles, canManageAccount, canManageAccountsIn, isRole, isSecurityAdmin, needsDepartment, ROLE_LABELS, violatesRoleSeparation,
  type Actor, type Role,
} from './identity.policy.js';
import { identityRepository, type UserRow } from './identity.repository.js';
import { hashPassword, passwordPolicyProblem } from './password.js';

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  orgId: string | null;
  orgName: string | null;
  roles: Role[];
  disabled: boolean;
  lockedUntil: string | null;
  mustChangePassword: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export interface CreateUserInput {
  username: string;
  password: string;
  displayName: string;
  /** Omitted or null for a platform-level account (security admin only). */
  orgId?: string | null;
  roles: string[];
}

export function toUserView(row: UserRow, now = new Date()): UserView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    orgId: row.org_id,
    orgName: row.org_name,
    roles: row.roles,
    disabled: row.disabled,
    lockedUntil: row.locked_until && row.locked_until > now ? row.locked_until.toISOString() : null,
    mustChangePassword: row.must_change_password,
    lastLoginAt: row.last_login_at?.toISOString() ?? null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;

/** Checks the role names and 三员分立; returns the de-duplicated roles. */
export function validateRoles(input: string[]): Role[] {
  const unknown = input.filter((r) => !isRole(r));
  if (unknown.length > 0) throw new DomainError('ROLE_INVALID', `Unknown role(s): ${unknown.join(', ')}.`, { field: 'roles' });
  const roles = [...new Set(input)] as Role[];
  if (violatesRoleSeparation(roles)) {
    const held = roles.filter((r) => r === 'sys_admin' || r === 'sec_admin' || r === 'auditor').map((r) => `${r} (${ROLE_LABELS[r]})`);
    throw new DomainError('ROLE_SEPARATION', `One account may not hold ${held.join(' and ')} together (三员分立：系统管理员、安全管理员、安全审计员不得由同一账号兼任).`, { field: 'roles' });
  }
  return roles;
}

function assertPasswordPolicy(password: string, username?: string): void {
  const problem = passwordPolicyProblem(password, username);
  if (problem) throw new DomainError('PASSWORD_POLICY', problem, { field: 'password' });
}

/**
 * Creates an account without a permission check (demo data, bootstrap, CLI). Accounts created by an
 * admin must change their password at first login unless `mustChangePassword` is false.
 */
export async function createUserUnchecked(
  db: Database,
  ctx: AuditContext,
  input: CreateUserInput & { mustChangePassword?: boolean },
  at = new Date(),
): Promise<string> {
  const username = input.username.trim().toLowerCase();
  if (!USERNAME_PATTERN.test(username)) {
    throw new DomainError('VALIDATION_FAILED', 'The username must be 3–64 characters: lower-case letters, digits, dot, underscore or hyphen, starting with a letter or digit.', { field: 'username' });
  }
  const roles = validateRoles(input.roles);
  const orgId = input.orgId ?? null;
  if (orgId === null && needsDepartment(roles)) {
    throw new DomainError('VALIDATION_FAILED', 'An account with 部门管理员 or 部门用户 must belong to a department (orgId).', { field: 'orgId' });
  }
  assertPasswordPolicy(input.password, username);
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.transaction().execute(async (trx) => {
      const repo = identityRepository(trx);
      if (orgId !== null && !(await repo.findOrg(orgId))) throw new DomainError('ORG_NOT_FOUND', `Department ${orgId} does not exist.`, { field: 'orgId' });
      if (await repo.findUserByUsername(username)) throw new DomainError('USERNAME_TAKEN', `The username "${username}" is already taken.`, { field: 'username' });
      const id = await repo.insertUser(
        { username, display_name: input.displayName.trim() || username, org_id: orgId, password_hash: passwordHash, must_change_password: input.mustChangePassword ?? true },
        roles,
      );
      await recordAuditEvent(trx, ctx, { action: 'user.created', targetType: 'user', targetId: id, detail: { username, orgId, roles } }, at);
      return id;
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new DomainError('USERNAME_TAKEN', `The username "${username}" is already taken.`, { field: 'username' });
    throw error;
  }
}

export function createUsersService(deps: { db: Database; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());

  async function loadManageable(trx: Database, actor: Actor, id: string): Promise<UserRow> {
    const user = await identityRepository(trx).findUserById(id);
    if (!user) throw new DomainError('USER_NOT_FOUND', `Account ${id} does not exist.`);
    if (!canManageAccount(actor, { orgId: user.org_id, roles: user.roles })) {
      throw new DomainError('FORBIDDEN', canManageAccountsIn(actor, user.org_id)
        ? 'This account holds roles that only the security admin may manage (该账号的角色只能由安全管理员管理).'
        : 'You may only manage accounts of your own department (只能管理本部门账号).');
    }
    return user;
  }

  return {
    async list(actor: Actor, filter: { orgId?: string; q?: string; limit?: number; offset?: number }) {
      let orgId = filter.orgId;
      if (!isSecurityAdmin(actor)) {
        orgId ??= actor.orgId ?? undefined;
        if (!orgId || !canManageAccountsIn(actor, orgId)) throw new DomainError('FORBIDDEN', 'You may only see accounts of your own department (只能查看本部门账号).');
      }
      const { rows, total } = await identityRepository(deps.db).listUsers({ orgId, q: filter.q, limit: filter.limit ?? 50, offset: filter.offset ?? 0 });
      const at = now();
      return { items: rows.map((r) => toUserView(r, at)), total };
    },

    async get(actor: Actor, id: string): Promise<UserView> {
      if (id === actor.userId) {
        const self = await identityRepository(deps.db).findUserById(id);
        if (self) return toUserView(self, now());
      }
      const user = await identityRepository(deps.db).findUserById(id);
      if (!user) throw new DomainError('USER_NOT_FOUND', `Account ${id} does not exist.`);
      if (!canManageAccountsIn(actor, user.org_id)) throw new DomainError('FORBIDDEN', 'You may only see accounts of your own department (只能查看本部门账号).');
      return toUserView(user, now());
    },

    async create(actor: Actor, ctx: AuditContext, input: CreateUserInput): Promise<UserView> {
      const roles = validateRoles(input.roles);
      if (!canManageAccountsIn(actor, input.orgId ?? null)) {
        throw new DomainError('FORBIDDEN', 'You may only create accounts in your own department (只能在本部门创建账号).');
      }
      if (!canAssignRoles(actor, roles)) {
        throw new DomainError('FORBIDDEN', 'A department admin may grant only the department roles (部门管理员只能授予部门管理员、部门用户角色).');
      }
      const id = await createUserUnchecked(deps.db, ctx, { ...input, roles, mustChangePassword: true }, now());
      return toUserView((await identityRepository(deps.db).findUserById(id))!, now());
    },

    async update(actor: Actor, ctx: AuditContext, id: string, patch: { displayName?: string; roles?: string[]; disabled?: boolean }): Promise<UserView> {
      const roles = patch.roles ? validateRoles(patch.roles) : undefined;
      if (roles && !canAssignRoles(actor, roles)) {
        throw new DomainError('FORBIDDEN', 'A department admin may grant only the department roles (部门管理员只能授予部门管理员、部门用户角色).');
      }
      if (id === actor.userId && (patch.disabled === true || roles !== undefined)) {
        throw new DomainError('FORBIDDEN', 'You may not disable your own account or change your own roles (不能停用自己的账号或修改自己的角色).');
      }
      return deps.db.transaction().execute(async (trx) => {
        const repo = identityRepository(trx);
        const user = await loadManageable(trx, actor, id);
        if (patch.displayName !== undefined && patch.displayName.trim() !== user.display_name) {
          await repo.updateUser(id, { display_name: patch.displayName.trim() });
          await recordAuditEvent(trx, ctx, { action: 'user.updated', targetType: 'user', targetId: id, detail: { username: user.username, displayName: { from: user.display_name, to: patch.displayName.trim() } } }, now());
        }
        if (roles && roles.slice().sort().join() !== user.roles.slice().sort().join()) {
          await repo.replaceRoles(id, roles);
          await recordAuditEvent(trx, ctx, { action: 'user.roles_changed', targetType: 'user', targetId: id, detail: { username: user.username, from: user.roles, to: roles } }, now());
        }
        if (patch.disabled !== undefined && patch.disabled !== user.disabled) {
          await repo.updateUser(id, { disabled: patch.disabled });
          if (patch.disabled) await repo.deleteUserSessions(id);
          await recordAuditEvent(trx, ctx, { action: patch.disabled ? 'user.disabled' : 'user.enabled', targetType: 'user', targetId: id, detail: { username: user.username } }, now());
        }
        return toUserView((await repo.findUserById(id))!, now());
      });
    },

    /** Sets a temporary password the account must change at its next login; ends its sessions. */
    async resetPassword(actor: Actor, ctx: AuditContext, id: string, password: string): Promise<void> {
      const hash = await hashPassword(password);
      await deps.db.transaction().execute(async (trx) => {
        const user = await loadManageable(trx, actor, id);
        assertPasswordPolicy(password, user.username);
        const repo = identityRepository(trx);
        await repo.updateUser(id, { password_hash: hash, must_change_password: true, failed_attempts: 0, locked_until: null });
        await repo.deleteUserSessions(id);
        await recordAuditEvent(trx, ctx, { action: 'user.password_reset', targetType: 'user', targetId: id, detail: { username: user.username } }, now());
      });
    },

    async unlock(actor: Actor, ctx: AuditContext, id: string): Promise<void> {
      await deps.db.transaction().execute(async (trx) => {
        const user = await loadManageable(trx, actor, id);
        await identityRepository(trx).updateUser(id, { failed_attempts: 0, locked_until: null });
        await recordAuditEvent(trx, ctx, { action: 'user.unlocked', targetType: 'user', targetId: id, detail: { username: user.username } }, now());
      });
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
