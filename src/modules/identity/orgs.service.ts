import { recordAuditEvent, type AuditContext } from '../audit/index.js';
import type { Database } from '../../platform/db/database.js';
import { DomainError } from '../../platform/errors.js';
import { findRegion } from '../../platform/validation/region.js';
import { USCC_PROBLEM_MESSAGES, usccProblem } from '../../platform/validation/uscc.js';
import { canManageOrgs, type Actor } from './identity.policy.js';
import { identityRepository, type OrgRow } from './identity.repository.js';

export type OrgLevel = OrgRow['level'];

export interface OrgView {
  id: string;
  name: string;
  uscc: string;
  regionCode: string;
  regionName: string | null;
  parentId: string | null;
  level: OrgLevel;
}

export interface CreateOrgInput {
  name: string;
  uscc: string;
  regionCode: string;
  parentId?: string | null;
  level: OrgLevel;
}

export function toOrgView(row: OrgRow): OrgView {
  return {
    id: row.id,
    name: row.name,
    uscc: row.uscc,
    regionCode: row.region_code,
    regionName: findRegion(row.region_code)?.fullName ?? null,
    parentId: row.parent_id,
    level: row.level,
  };
}

/** The level a GB/T 2260 code stands for: 440000 province, 440400 city, 440402 county. */
export function levelOfRegion(code: string): OrgLevel {
  if (code.endsWith('0000')) return 'province';
  if (code.endsWith('00')) return 'city';
  return 'county';
}

/** Validates and normalises a USCC; throws ORG_USCC_INVALID saying what is wrong. */
export function normaliseUscc(input: string): string {
  const uscc = input.trim().toUpperCase();
  const problem = usccProblem(uscc);
  if (problem) throw new DomainError('ORG_USCC_INVALID', `USCC "${input}" is invalid: ${USCC_PROBLEM_MESSAGES[problem]} (统一社会信用代码不正确).`, { field: 'uscc' });
  return uscc;
}

function assertRegion(code: string): void {
  if (!/^\d{6}$/.test(code) || !findRegion(code)) {
    throw new DomainError('ORG_REGION_INVALID', `regionCode "${code}" is not a GB/T 2260 administrative division code (行政区划代码不正确).`, { field: 'regionCode' });
  }
}

const isUniqueViolation = (e: unknown) => typeof e === 'object' && e !== null && (e as { code?: string }).code === '23505';

export function createOrgsService(deps: { db: Database; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const assertManager = (actor: Actor) => {
    if (!canManageOrgs(actor)) throw new DomainError('FORBIDDEN', 'Only the platform admin manages departments (只有平台管理员可以管理部门).');
  };

  return {
    async list(): Promise<OrgView[]> {
      return (await identityRepository(deps.db).listOrgs()).map(toOrgView);
    },

    async get(id: string): Promise<OrgView> {
      const org = await identityRepository(deps.db).findOrg(id);
      if (!org) throw new DomainError('ORG_NOT_FOUND', `Department ${id} does not exist.`);
      return toOrgView(org);
    },

    async create(actor: Actor, ctx: AuditContext, input: CreateOrgInput): Promise<OrgView> {
      assertManager(actor);
      return createOrgUnchecked(deps.db, ctx, input, now());
    },

    async update(actor: Actor, ctx: AuditContext, id: string, patch: Partial<Omit<CreateOrgInput, 'uscc'>>): Promise<OrgView> {
      assertManager(actor);
      return deps.db.transaction().execute(async (trx) => {
        const repo = identityRepository(trx);
        const before = await repo.findOrg(id);
        if (!before) throw new DomainError('ORG_NOT_FOUND', `Department ${id} does not exist.`);
        if (patch.regionCode !== undefined) assertRegion(patch.regionCode);
        if (patch.parentId) {
          const subtree = await repo.orgSubtreeIds(id);
          if (subtree.includes(patch.parentId)) {
            throw new DomainError('ORG_PARENT_INVALID', 'A department cannot be placed under itself or one of its own sub-departments.', { field: 'parentId' });
          }
          if (!(await repo.findOrg(patch.parentId))) throw new DomainError('ORG_PARENT_INVALID', `Parent department ${patch.parentId} does not exist.`, { field: 'parentId' });
        }
        const after = await repo.updateOrg(id, {
          ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
          ...(patch.regionCode !== undefined ? { region_code: patch.regionCode } : {}),
          ...(patch.parentId !== undefined ? { parent_id: patch.parentId } : {}),
          ...(patch.level !== undefined ? { level: patch.level } : {}),
        });
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        for (const key of ['name', 'region_code', 'parent_id', 'level'] as const) {
          if (before[key] !== after[key]) changes[key] = { from: before[key], to: after[key] };
        }
        await recordAuditEvent(trx, ctx, { action: 'org.updated', targetType: 'org', targetId: id, detail: { name: after.name, changes } }, now());
        return toOrgView(after);
      });
    },
  };
}

/** Creates a department without a permission check: for the service above, demo data and the CLI. */
export async function createOrgUnchecked(db: Database, ctx: AuditContext, input: CreateOrgInput, at = new Date()): Promise<OrgView> {
  const uscc = normaliseUscc(input.uscc);
  assertRegion(input.regionCode);
  const name = input.name.trim();
  if (!name) throw new DomainError('VALIDATION_FAILED', 'The department name (部门名称) is required.', { field: 'name' });
  try {
    return await db.transaction().execute(async (trx) => {
      const repo = identityRepository(trx);
      if (await repo.findOrgByUscc(uscc)) throw new DomainError('ORG_USCC_DUPLICATE', `A department with USCC ${uscc} already exists (该统一社会信用代码的部门已存在).`, { field: 'uscc' });
      if (input.parentId && !(await repo.findOrg(input.parentId))) {
        throw new DomainError('ORG_PARENT_INVALID', `Parent department ${input.parentId} does not exist.`, { field: 'parentId' });
      }
      const row = await repo.insertOrg({ name, uscc, region_code: input.regionCode, parent_id: input.parentId ?? null, level: input.level });
      await recordAuditEvent(trx, ctx, { action: 'org.created', targetType: 'org', targetId: row.id, detail: { name, uscc, regionCode: input.regionCode, level: input.level, parentId: row.parent_id } }, at);
      return toOrgView(row);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new DomainError('ORG_USCC_DUPLICATE', `A department with USCC ${uscc} already exists (该统一社会信用代码的部门已存在).`, { field: 'uscc' });
    throw error;
  }
}

export type OrgsService = ReturnType<typeof createOrgsService>;
