import { recordAuditEvent, type AuditContext } from '../audit/index.js';
import type { Actor } from '../identity/identity.policy.js';
import type { Database } from '../../platform/db/database.js';
import { DomainError } from '../../platform/errors.js';
import { catalogTableLookup, type CatalogLookup, type CatalogResourceRef } from './census.catalog.js';
import { COLUMNS, headerOf, readCensusWorkbook, writeCensusWorkbook } from './census.excel.js';
import { canEditCensusOf, canReadCensusOf, isCensusOverseer } from './census.policy.js';
import { censusRepository, toColumns, toInput, type SystemRow } from './census.repository.js';
import type { CensusImportError, CensusSystemInput, CensusSystemView, LinkedResource, SystemStatus } from './census.types.js';
import { normaliseSystemInput, systemInputProblems } from './census.validation.js';
import { zombieReasons } from './census.zombie.js';

/** A new questionnaire: the required answers, everything else optional. */
export type CreateSystemInput = Pick<CensusSystemInput, 'name' | 'status' | 'network' | 'frequency'> & Partial<CensusSystemInput> & { orgId?: string };
export type SystemPatch = Partial<CensusSystemInput>;

export interface SystemFilter {
  orgId?: string;
  status?: SystemStatus;
  zombieOnly?: boolean;
  q?: string;
  limit?: number;
  offset?: number;
}

export interface ImportReport {
  dryRun: boolean;
  /** false when the file has errors; then nothing was written. */
  ok: boolean;
  total: number;
  created: number;
  updated: number;
  errors: CensusImportError[];
}

const EMPTY_INPUT: Omit<CensusSystemInput, 'name' | 'status' | 'network' | 'frequency'> = {
  kind: '自建', functionDesc: null, resourceNames: null, classified: false, securityLevel: null, secrecyClause: null,
  canConnect: null, connectMethod: null, noConnectReason: null, accessAddress: null, websiteIntensive: null, usageScope: null,
  usageScopeDetail: null, userCount: null, ownerDivision: null, ownerName: null, ownerTitle: null, ownerPhone: null, approver: null,
  approvalDate: null, builder: null, buildDate: null, warrantyYears: null, buildBudget: null, buildBudgetSource: null, omBudget: null,
  omBudgetSource: null, omUnit: null, providedTo: null, obtainedFrom: null, neededFrom: null, techSupport: null, remarks: null,
  manualZombie: false, manualZombieReason: null,
};

const isUniqueViolation = (e: unknown) => typeof e === 'object' && e !== null && (e as { code?: string }).code === '23505';
const duplicate = (name: string) =>
  new DomainError('CENSUS_SYSTEM_DUPLICATE', `The department already has a system named "${name}" (本部门已有同名信息系统).`, { field: 'name' });
const notFound = (id: string) => new DomainError('CENSUS_SYSTEM_NOT_FOUND', `Information system ${id} does not exist (信息系统不存在).`);
const readDenied = () => new DomainError('FORBIDDEN', 'You may only see the information systems of your own department (只能查看本部门的信息系统).');
const editDenied = () => new DomainError('FORBIDDEN', 'Only the department admin of this department may change its census (只有本部门管理员可以填报本部门的信息系统).');

/** Throws VALIDATION_FAILED naming the first problem; the API reports one field at a time like the other modules. */
function assertValid(input: CensusSystemInput, today: Date): void {
  const [first] = systemInputProblems(input, today);
  if (first) throw new DomainError('VALIDATION_FAILED', `${first.field}: ${first.message} (${headerOf(first.field)}：${first.message}).`, { field: first.field });
}

export function createCensusService(deps: { db: Database; catalog?: CatalogLookup; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const catalog = deps.catalog ?? catalogTableLookup;

  /** The department(s) a listing covers: the overseer chooses (or sees all), everyone else sees their own. */
  function scopeOf(actor: Actor, orgId: string | undefined): string | undefined {
    if (isCensusOverseer(actor)) return orgId;
    const own = actor.orgId;
    if (!own || (orgId && orgId !== own) || !canReadCensusOf(actor, own)) throw readDenied();
    return own;
  }

  async function toViews(db: Database, rows: SystemRow[]): Promise<CensusSystemView[]> {
    const links = await censusRepository(db).linkedResourceIds(rows.map((r) => r.id));
    const resources = new Map((await catalog.byIds(db, [...new Set(links.map((l) => l.resource_id))])).map((r) => [r.id, r]));
    return rows.map((row) => {
      const input = toInput(row);
      const linked: LinkedResource[] = links.filter((l) => l.system_id === row.id).map((l) => {
        const r = resources.get(l.resource_id);
        return { id: l.resource_id, code: r?.code ?? '', name: r?.name ?? null };
      });
      const reasons = zombieReasons({ ...input, linkedResourceCount: row.linked_resource_count });
      return {
        ...input,
        id: row.id,
        orgId: row.org_id,
        orgName: row.org_name,
        resources: linked,
        zombie: { isZombie: reasons.length > 0, reasons },
        createdAt: new Date(row.created_at).toISOString(),
        updatedAt: new Date(row.updated_at).toISOString(),
      };
    });
  }

  async function loadReadable(db: Database, actor: Actor, id: string): Promise<SystemRow> {
    const row = await censusRepository(db).findSystem(id);
    if (!row) throw notFound(id);
    if (!canReadCensusOf(actor, row.org_id)) throw readDenied();
    return row;
  }

  async function loadEditable(db: Database, actor: Actor, id: string): Promise<SystemRow> {
    const row = await loadReadable(db, actor, id);
    if (!canEditCensusOf(actor, row.org_id)) throw editDenied();
    return row;
  }

  /** Checks that catalog resources exist and belong to the system's department. */
  function assertOwnResources(found: CatalogResourceRef[], orgId: string, wanted: string[], by: 'id' | 'code'): CatalogResourceRef[] {
    for (const key of wanted) {
      const r = found.find((f) => (by === 'id' ? f.id : f.code) === key);
      if (!r) throw new DomainError('CENSUS_RESOURCE_INVALID', `Catalog resource ${key} does not exist (目录中没有该信息资源).`, { field: by === 'id' ? 'resourceId' : 'resourceCode' });
      if (r.providerOrgId !== orgId) {
        throw new DomainError('CENSUS_RESOURCE_INVALID', `Catalog resource ${r.code} belongs to another department (只能关联本部门提供的目录资源).`, { field: by === 'id' ? 'resourceId' : 'resourceCode' });
      }
    }
    return wanted.map((key) => found.find((f) => (by === 'id' ? f.id : f.code) === key)!);
  }

  return {
    async list(actor: Actor, filter: SystemFilter): Promise<{ items: CensusSystemView[]; total: number }> {
      const orgId = scopeOf(actor, filter.orgId);
      // Zombie flags are computed by rules in code, so the zombie filter and paging happen here; a
      // department's census is tens to hundreds of systems.
      const rows = await censusRepository(deps.db).listSystems({ orgId, status: filter.status, q: filter.q });
      let views = await toViews(deps.db, rows);
      if (filter.zombieOnly) views = views.filter((v) => v.zombie.isZombie);
      const offset = filter.offset ?? 0;
      return { items: views.slice(offset, offset + (filter.limit ?? 50)), total: views.length };
    },

    async get(actor: Actor, id: string): Promise<CensusSystemView> {
      const [view] = await toViews(deps.db, [await loadReadable(deps.db, actor, id)]);
      return view!;
    },

    async create(actor: Actor, ctx: AuditContext, body: CreateSystemInput): Promise<CensusSystemView> {
      const { orgId: requestedOrg, ...fields } = body;
      const orgId = requestedOrg ?? actor.orgId;
      if (!orgId) throw new DomainError('VALIDATION_FAILED', 'orgId: choose the department the system belongs to (请选择所属部门).', { field: 'orgId' });
      if (!canEditCensusOf(actor, orgId)) throw editDenied();
      const input = normaliseSystemInput({ ...EMPTY_INPUT, ...fields });
      assertValid(input, now());
      try {
        return await deps.db.transaction().execute(async (trx) => {
          const repo = censusRepository(trx);
          const org = await repo.findOrg(orgId);
          if (!org) throw new DomainError('ORG_NOT_FOUND', `Department ${orgId} does not exist.`, { field: 'orgId' });
          if (await repo.findSystemByName(orgId, input.name)) throw duplicate(input.name);
          const id = await repo.insertSystem(orgId, actor.userId, toColumns(input));
          await recordAuditEvent(trx, ctx, { action: 'census.system_created', targetType: 'census_system', targetId: id, detail: { name: input.name, orgId, orgName: org.name, status: input.status } }, now());
          const [view] = await toViews(trx, [(await repo.findSystem(id))!]);
          return view!;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicate(input.name);
        throw error;
      }
    },

    async update(actor: Actor, ctx: AuditContext, id: string, patch: SystemPatch): Promise<CensusSystemView> {
      try {
        return await deps.db.transaction().execute(async (trx) => {
          const repo = censusRepository(trx);
          const before = await loadEditable(trx, actor, id);
          const old = toInput(before);
          const next = normaliseSystemInput({ ...old, ...patch });
          assertValid(next, now());
          if (next.name !== old.name && (await repo.findSystemByName(before.org_id, next.name))) throw duplicate(next.name);
          const changes = diff(old, next);
          if (Object.keys(changes).length > 0) {
            await repo.updateSystem(id, toColumns(next), now());
            await recordAuditEvent(trx, ctx, { action: 'census.system_updated', targetType: 'census_system', targetId: id, detail: { name: next.name, orgId: before.org_id, changes } }, now());
          }
          const [view] = await toViews(trx, [(await repo.findSystem(id))!]);
          return view!;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicate(String(patch.name));
        throw error;
      }
    },

    async remove(actor: Actor, ctx: AuditContext, id: string): Promise<void> {
      await deps.db.transaction().execute(async (trx) => {
        const row = await loadEditable(trx, actor, id);
        await censusRepository(trx).deleteSystem(id);
        await recordAuditEvent(trx, ctx, { action: 'census.system_deleted', targetType: 'census_system', targetId: id, detail: { name: row.name, orgId: row.org_id, status: row.status } }, now());
      });
    },

    /** Links a catalog resource of the same department, given by id or by resource code. */
    async linkResource(actor: Actor, ctx: AuditContext, id: string, ref: { resourceId?: string; resourceCode?: string }): Promise<CensusSystemView> {
      if (!ref.resourceId === !ref.resourceCode) {
        throw new DomainError('VALIDATION_FAILED', 'Give exactly one of resourceId and resourceCode (请指定一个目录资源).', { field: 'resourceId' });
      }
      return deps.db.transaction().execute(async (trx) => {
        const row = await loadEditable(trx, actor, id);
        const [resource] = ref.resourceId
          ? assertOwnResources(await catalog.byIds(trx, [ref.resourceId]), row.org_id, [ref.resourceId], 'id')
          : assertOwnResources(await catalog.byCodes(trx, [ref.resourceCode!.trim()]), row.org_id, [ref.resourceCode!.trim()], 'code');
        if (await censusRepository(trx).link(id, resource!.id)) {
          await recordAuditEvent(trx, ctx, { action: 'census.resource_linked', targetType: 'census_system', targetId: id, detail: { name: row.name, resourceId: resource!.id, resourceCode: resource!.code } }, now());
        }
        const [view] = await toViews(trx, [(await censusRepository(trx).findSystem(id))!]);
        return view!;
      });
    },

    async unlinkResource(actor: Actor, ctx: AuditContext, id: string, resourceId: string): Promise<void> {
      await deps.db.transaction().execute(async (trx) => {
        const row = await loadEditable(trx, actor, id);
        if (!(await censusRepository(trx).unlink(id, resourceId))) {
          throw new DomainError('CENSUS_RESOURCE_INVALID', `Resource ${resourceId} is not linked to this system (该目录资源未关联到此系统).`, { field: 'resourceId' });
        }
        await recordAuditEvent(trx, ctx, { action: 'census.resource_unlinked', targetType: 'census_system', targetId: id, detail: { name: row.name, resourceId } }, now());
      });
    },

    /** 清理整合候选: every system with at least one zombie reason, most reasons first. */
    async candidates(actor: Actor, filter: { orgId?: string }): Promise<{ items: CensusSystemView[]; total: number }> {
      const orgId = scopeOf(actor, filter.orgId);
      const views = (await toViews(deps.db, await censusRepository(deps.db).listSystems({ orgId }))).filter((v) => v.zombie.isZombie);
      views.sort((a, b) => b.zombie.reasons.length - a.zombie.reasons.length || a.orgName.localeCompare(b.orgName, 'zh') || a.name.localeCompare(b.name, 'zh'));
      return { items: views, total: views.length };
    },

    /** The census spreadsheet of one department (or all, for the overseer); the export is audited. */
    async exportWorkbook(actor: Actor, ctx: AuditContext, filter: { orgId?: string }) {
      const orgId = scopeOf(actor, filter.orgId);
      const views = await toViews(deps.db, await censusRepository(deps.db).listSystems({ orgId }));
      const body = await writeCensusWorkbook(views);
      await deps.db.transaction().execute((trx) =>
        recordAuditEvent(trx, ctx, { action: 'census.exported', targetType: 'census_system', detail: { orgId: orgId ?? null, rows: views.length } }, now()));
      const stamp = now().toISOString().slice(0, 10).replace(/-/g, '');
      return { filename: `census-${stamp}.xlsx`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', body };
    },

    /**
     * Imports the census spreadsheet: systems are matched by department and name (update) or created.
     * All or nothing: any error in any row writes nothing, and the report lists every error by row and
     * column header. A dry run checks and counts without writing.
     */
    async importWorkbook(actor: Actor, ctx: AuditContext, file: Buffer, options: { orgId?: string; dryRun: boolean }): Promise<ImportReport> {
      const defaultOrg = options.orgId ?? (isCensusOverseer(actor) ? undefined : actor.orgId ?? undefined);
      if (defaultOrg && !canEditCensusOf(actor, defaultOrg)) throw editDenied();
      if (!isCensusOverseer(actor) && !actor.roles.includes('dept_admin')) throw editDenied();
      const parsed = await readCensusWorkbook(file);
      const errors = [...parsed.errors];
      const repo = censusRepository(deps.db);
      const orgByName = new Map<string, { id: string; name: string } | undefined>();
      const seen = new Map<string, number>();
      const planned: { row: number; orgId: string; existing: SystemRow | undefined; input: CensusSystemInput; resourceIds: string[] | null }[] = [];

      for (const row of parsed.rows) {
        const fail = (column: string, message: string) => errors.push({ row: row.row, column, message });
        const before = errors.length;
        let orgId = defaultOrg;
        if (row.orgName) {
          if (!orgByName.has(row.orgName)) orgByName.set(row.orgName, await repo.findOrgByName(row.orgName));
          const org = orgByName.get(row.orgName);
          if (!org) fail('所属部门', `没有名为“${row.orgName}”的部门`);
          else if (!canEditCensusOf(actor, org.id)) fail('所属部门', `无权填报“${row.orgName}”的信息系统（只能填报本部门）`);
          else if (options.orgId && org.id !== options.orgId) fail('所属部门', '与导入时选择的部门不一致');
          else orgId = org.id;
        } else if (!orgId) fail('所属部门', '请填写所属部门');
        if (!orgId || errors.length > before) continue;

        const existing = await repo.findSystemByName(orgId, row.input.name?.trim() ?? '');
        // Columns missing from the file keep their stored answers.
        const base: CensusSystemInput = existing ? toInput(existing) : { ...EMPTY_INPUT, name: '', status: '运行', network: '电子政务外网', frequency: '每日' };
        const merged = { ...base } as Record<string, unknown>;
        for (const field of parsed.presentFields) merged[field] = row.input[field];
        if (!parsed.presentFields.has('kind') && !existing) merged.kind = row.input.kind;
        const input = normaliseSystemInput(merged as unknown as CensusSystemInput);
        // A cell the reader already rejected is not reported a second time by the questionnaire rules.
        for (const p of systemInputProblems(input, now())) {
          if (!errors.some((e) => e.row === row.row && e.column === headerOf(p.field))) fail(headerOf(p.field), p.message);
        }

        const key = `${orgId}\u0000${input.name}`;
        if (seen.has(key)) fail('系统名称', `与第 ${seen.get(key)} 行重复：同一部门的系统名称不能重复`);
        else seen.set(key, row.row);

        let resourceIds: string[] | null = null;
        if (row.resourceCodes) {
          const found = await catalog.byCodes(deps.db, row.resourceCodes);
          resourceIds = [];
          for (const code of row.resourceCodes) {
            const r = found.find((f) => f.code === code);
            if (!r) fail('关联目录资源代码', `目录中没有代码为 ${code} 的信息资源`);
            else if (r.providerOrgId !== orgId) fail('关联目录资源代码', `信息资源 ${code} 不是本部门提供的，不能关联`);
            else resourceIds.push(r.id);
          }
        }
        planned.push({ row: row.row, orgId, existing, input, resourceIds });
      }

      // In sheet order: by row, then by the column's place in the form.
      const place = (column: string) => COLUMNS.findIndex((c) => c.header === column);
      errors.sort((a, b) => a.row - b.row || place(a.column) - place(b.column));
      const created = planned.filter((p) => !p.existing).length;
      const report: ImportReport = { dryRun: options.dryRun, ok: errors.length === 0, total: parsed.rows.length, created, updated: planned.length - created, errors };
      if (errors.length > 0 && !options.dryRun) {
        throw new DomainError('CENSUS_IMPORT_INVALID', `The file has ${errors.length} error(s); nothing was imported (导入文件有 ${errors.length} 处错误，未导入任何数据).`, { ...report });
      }
      if (options.dryRun || errors.length > 0) return report;
      if (parsed.rows.length === 0) {
        throw new DomainError('CENSUS_IMPORT_INVALID', 'The file has no systems (文件中没有信息系统数据).', { ...report });
      }

      await deps.db.transaction().execute(async (trx) => {
        const tx = censusRepository(trx);
        for (const p of planned) {
          let id = p.existing?.id;
          if (id) {
            const changes = diff(toInput(p.existing!), p.input);
            await tx.updateSystem(id, toColumns(p.input), now());
            await recordAuditEvent(trx, ctx, { action: 'census.system_updated', targetType: 'census_system', targetId: id, detail: { name: p.input.name, orgId: p.orgId, changes, via: 'import', row: p.row } }, now());
          } else {
            id = await tx.insertSystem(p.orgId, actor.userId, toColumns(p.input));
            await recordAuditEvent(trx, ctx, { action: 'census.system_created', targetType: 'census_system', targetId: id, detail: { name: p.input.name, orgId: p.orgId, status: p.input.status, via: 'import', row: p.row } }, now());
          }
          if (p.resourceIds) await tx.replaceLinks(id, p.resourceIds);
        }
        await recordAuditEvent(trx, ctx, { action: 'census.imported', targetType: 'census_system', detail: { rows: report.total, created: report.created, updated: report.updated } }, now());
      });
      return report;
    },
  };
}

/** Field-by-field changes for the audit record. */
function diff(before: CensusSystemInput, after: CensusSystemInput): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after) as (keyof CensusSystemInput)[]) {
    if (before[key] !== after[key]) changes[key] = { from: before[key], to: after[key] };
  }
  return changes;
}

export type CensusService = ReturnType<typeof createCensusService>;
