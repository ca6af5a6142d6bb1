import { recordAuditEvent, type AuditContext } from '../audit/index.js';
import type { Actor } from '../identity/identity.policy.js';
import type { Database } from '../../platform/db/database.js';
import { canEditResourcesOf } from './catalog.policy.js';
import { catalogRepository, type ResourceRow } from './catalog.repository.js';
import { codeProblems, storeNewResources, storeNewVersions, type NewResourceEntry, type NewVersionEntry } from './catalog-store.js';
import type { ImportError, ResourceInput } from './catalog.types.js';
import { resourceProblems } from './catalog-validation.js';

export interface ImportOutcome {
  /** Index of the input this outcome is for. */
  index: number;
  id?: string;
  code?: string;
  /** created: a new resource; revised: a new version of an existing resource of the same provider and name. */
  action?: 'created' | 'revised';
  errors: ImportError[];
}

class DryRunRollback extends Error {
  constructor(readonly outcomes: ImportOutcome[]) { super('dry run'); }
}

/**
 * Imports resources in one transaction, in batches. A block naming an existing resource of the same
 * provider becomes a new draft (or submitted) version of it; other blocks become new resources. A
 * block with any problem is reported and not written; the others are. On a dry run everything is
 * checked and written, then rolled back, so the outcome is exactly what a real import would do.
 */
export function createCatalogImport(deps: { db: Database; now: () => Date }) {
  const { db, now } = deps;

  async function run(trx: Database, actor: Actor, ctx: AuditContext, inputs: ResourceInput[], options: { submit: boolean }): Promise<ImportOutcome[]> {
    const repo = catalogRepository(trx);
    const outcomes: ImportOutcome[] = inputs.map((_, index) => ({ index, errors: [] }));
    const fail = (i: number, e: ImportError) => outcomes[i]!.errors.push(e);
    const status = options.submit ? 'submitted' as const : 'draft' as const;

    const providers = new Map<string, { id: string; uscc: string; name: string } | undefined>();
    for (const code of new Set(inputs.map((i) => i.providerCode?.trim().toUpperCase() ?? ''))) providers.set(code, code ? await repo.findOrgByCode(code) : undefined);
    const orgOf: (string | null)[] = inputs.map((input, i) => {
      const org = providers.get(input.providerCode?.trim().toUpperCase() ?? '');
      if (!org) { fail(i, { column: '资源提供方代码', message: `资源提供方代码 ${input.providerCode} 不是平台已注册的部门` }); return null; }
      if (!canEditResourcesOf(actor, org.id)) { fail(i, { column: '资源提供方代码', message: '只能导入本部门的信息资源' }); return null; }
      return org.id;
    });
    inputs.forEach((input, i) => resourceProblems(input).forEach((p) => fail(i, p)));

    const key = (orgId: string, name: string) => `${orgId}\u0000${name.trim()}`;
    const seen = new Set<string>();
    inputs.forEach((input, i) => {
      const orgId = orgOf[i];
      if (!orgId) return;
      const k = key(orgId, input.name);
      if (seen.has(k)) fail(i, { column: '信息资源名称', message: '同一提供方的同名资源在本次导入中出现了多次' });
      seen.add(k);
    });

    const candidates = inputs.map((input, i) => ({ input, i, orgId: orgOf[i] })).filter((x): x is { input: ResourceInput; i: number; orgId: string } => x.orgId !== null && outcomes[x.i]!.errors.length === 0);
    const existing = new Map<string, ResourceRow>();
    for (const r of await repo.resourcesByProviderAndName(candidates.map((c) => ({ orgId: c.orgId, name: c.input.name.trim() })))) existing.set(key(r.provider_org_id, r.name), r);
    const working = new Map<string, string>();
    const workingIds = [...existing.values()].map((r) => r.working_version_id).filter((v): v is string => v !== null);
    if (workingIds.length) {
      for (const v of await trx.selectFrom('catalog_resource_versions').select(['id', 'status']).where('id', 'in', workingIds).execute()) working.set(v.id, v.status);
    }

    const creates: { entry: NewResourceEntry; i: number }[] = [];
    const revisions: { entry: NewVersionEntry; i: number }[] = [];
    for (const c of candidates) {
      const match = existing.get(key(c.orgId, c.input.name));
      if (!match) { creates.push({ entry: { input: c.input, providerOrgId: c.orgId, status }, i: c.i }); continue; }
      if (match.status === 'retired') fail(c.i, { column: '信息资源名称', message: `资源 ${match.code} 已下架，不能再导入修改` });
      else if (match.working_version_id && working.get(match.working_version_id) === 'submitted') fail(c.i, { column: '信息资源名称', message: `资源 ${match.code} 正在审核中，审核后再导入修改` });
      else if (c.input.code && c.input.code !== match.code) fail(c.i, { column: '信息资源代码', message: `同名资源已有代码 ${match.code}` });
      else revisions.push({ entry: { resource: match, input: c.input, status }, i: c.i });
    }
    const codeIssues = await codeProblems(trx, creates.map((c) => c.entry.input.code));
    codeIssues.forEach((problem, k) => fail(creates[k]!.i, problem));
    const toCreate = creates.filter((c) => outcomes[c.i]!.errors.length === 0);

    const created = await storeNewResources(trx, actor, toCreate.map((c) => c.entry), now());
    created.forEach((r, k) => Object.assign(outcomes[toCreate[k]!.i]!, { id: r.id, code: r.code, action: 'created' }));
    const revised = await storeNewVersions(trx, actor, revisions.map((r) => r.entry), now());
    revised.forEach((r, k) => Object.assign(outcomes[revisions[k]!.i]!, { id: r.id, code: r.code, action: 'revised' }));

    await recordAuditEvent(trx, ctx, {
      action: 'catalog.imported', targetType: 'catalog',
      detail: {
        submit: options.submit, blocks: inputs.length, created: created.length, revised: revised.length,
        failed: outcomes.filter((o) => o.errors.length).length, resourceIds: [...created, ...revised].map((r) => r.id),
      },
    }, now());
    return outcomes;
  }

  return {
    async importResources(actor: Actor, ctx: AuditContext, inputs: ResourceInput[], options: { submit: boolean; dryRun?: boolean }): Promise<ImportOutcome[]> {
      try {
        return await db.transaction().execute(async (trx) => {
          const outcomes = await run(trx, actor, ctx, inputs, options);
          if (options.dryRun) throw new DryRunRollback(outcomes);
          return outcomes;
        });
      } catch (error) {
        if (error instanceof DryRunRollback) return error.outcomes.map(({ id: _id, code: _code, ...rest }) => rest);
        throw error;
      }
    },
  };
}
