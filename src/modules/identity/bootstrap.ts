import type { Database } from '../../platform/db/database.js';
import { identityRepository } from './identity.repository.js';
import { createUserUnchecked } from './users.service.js';

/**
 * On a database with no accounts, creates `admin` holding platform_admin and sec_admin (a platform-level
 * account with no department), with the given password; it must be changed at first login.
 */
export async function ensureBootstrapAdmin(db: Database, password: string): Promise<boolean> {
  if ((await identityRepository(db).countUsers()) > 0) return false;
  await createUserUnchecked(db, { actor: null, ip: null }, {
    username: 'admin', password, displayName: '平台初始管理员', orgId: null, roles: ['platform_admin', 'sec_admin'], mustChangePassword: true,
  });
  return true;
}
