import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { packageRoot } from '../config.js';
import type { AuditContext } from '../modules/audit/index.js';
import { createOrgUnchecked, createUserUnchecked, identityRepository, levelOfRegion, type Role } from '../modules/identity/index.js';
import type { Database } from '../platform/db/database.js';

/** The password of every demo account. Demo accounts are not forced to change it. */
export const DEMO_PASSWORD = 'Govshare@2026';

export const DEMO_ACCOUNTS: { username: string; displayName: string; role: Role; orgKey: string }[] = [
  { username: 'platform', displayName: '平台管理员（演示）', role: 'platform_admin', orgKey: 'zsj' },
  { username: 'sysadmin', displayName: '系统管理员（演示）', role: 'sys_admin', orgKey: 'zsj' },
  { username: 'secadmin', displayName: '安全管理员（演示）', role: 'sec_admin', orgKey: 'zsj' },
  { username: 'auditor', displayName: '安全审计员（演示）', role: 'auditor', orgKey: 'zsj' },
  { username: 'gaj_admin', displayName: '公安局管理员（演示）', role: 'dept_admin', orgKey: 'gaj' },
  { username: 'gaj_user', displayName: '公安局用户（演示）', role: 'dept_user', orgKey: 'gaj' },
  { username: 'scj_admin', displayName: '市场监管局管理员（演示）', role: 'dept_admin', orgKey: 'scj' },
  { username: 'scj_user', displayName: '市场监管局用户（演示）', role: 'dept_user', orgKey: 'scj' },
];

export interface OrgCsvRow { key: string; name: string; uscc: string; regionCode: string; parentKey: string | null }

/** Parses demo/orgs.csv (key,name,uscc,region_code,parent_key). */
export function parseOrgsCsv(text: string): OrgCsvRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]?.split(',').map((h) => h.trim());
  if (header?.join(',') !== 'key,name,uscc,region_code,parent_key') throw new Error('orgs.csv must have the header key,name,uscc,region_code,parent_key');
  return lines.slice(1).map((line, i) => {
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== 5) throw new Error(`orgs.csv row ${i + 2}: expected 5 columns, got ${cells.length}`);
    const [key, name, uscc, regionCode, parentKey] = cells as [string, string, string, string, string];
    return { key, name, uscc, regionCode, parentKey: parentKey || null };
  });
}

const SYSTEM: AuditContext = { actor: null, ip: null };

/**
 * Loads the demo departments and one account per role, but only into an empty database
 * (no departments and no accounts). Returns false when it did nothing.
 */
export async function loadDemoData(db: Database): Promise<boolean> {
  const repo = identityRepository(db);
  if ((await repo.countOrgs()) > 0 || (await repo.countUsers()) > 0) return false;
  const rows = parseOrgsCsv(await readFile(path.join(packageRoot, 'demo', 'orgs.csv'), 'utf8'));
  const idByKey = new Map<string, string>();
  // Parents first: repeat passes until every row whose parent exists is placed.
  let pending = rows;
  while (pending.length > 0) {
    const ready = pending.filter((r) => r.parentKey === null || idByKey.has(r.parentKey));
    if (ready.length === 0) throw new Error(`orgs.csv: unknown parent_key for ${pending.map((r) => r.key).join(', ')}`);
    for (const row of ready) {
      const org = await createOrgUnchecked(db, SYSTEM, {
        name: row.name, uscc: row.uscc, regionCode: row.regionCode, level: levelOfRegion(row.regionCode),
        parentId: row.parentKey ? idByKey.get(row.parentKey)! : null,
      });
      idByKey.set(row.key, org.id);
    }
    pending = pending.filter((r) => !ready.includes(r));
  }
  for (const account of DEMO_ACCOUNTS) {
    await createUserUnchecked(db, SYSTEM, {
      username: account.username, password: DEMO_PASSWORD, displayName: account.displayName,
      orgId: idByKey.get(account.orgKey)!, roles: [account.role], mustChangePassword: false,
    });
  }
  return true;
}
