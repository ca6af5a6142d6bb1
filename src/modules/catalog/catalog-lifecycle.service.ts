import { recordAuditEvent, type AuditContext } from '../audit/index.js';
import type { Actor } from '../identity/identity.policy.js';
import type { Database } from '../../platform/db/database.js';
import { DomainError, forbidden } from '../../platform/errors.js';
import { canEditResourcesOf, canRetireResourceOf, canReviewResources, canViewDepartmentCatalog } from './catalog.policy.js';
import { catalogRepository, versionColumnsOf, type ResourceRow } from './catalog.repository.js';
import { reindexResources } from './catalog-search-index.js';
import { codeProblems, relatedCategoryId, storeNewResources, storeNewVersions } from './catalog-store.js';
import type { ResourceInput } from './catalog.types.js';
import { resourceProblems } from './catalog-validation.js';
import { diffVersions, isRequestable, resourceHeader, toVersionSummary, toVersionView } from './catalog-views.js';

/** A resource as the API takes it: the provider defaults to the actor's department. */
export type ResourceBody = Omit<ResourceInput, 'providerName' | 'providerCode' | 'code'> & {
  providerName?: string;
  providerCode?: string;
  code?: string | null;
  /** Primary class (基础/主题 class); defaults to the provider's 部门 class. */
  categoryId?: string | null;
};

const notFound = (id: string) => new DomainError('CATALOG_NOT_FOUND', `Resource ${id} does not exist (信息资源不存在).`);
const badState = (message: string) => new DomainError('CATALOG_STATE_INVALID', message);

export function assertValid(input: ResourceInput): void {
  const problems = resourceProblems(input);
  if (problems.length) {
    throw new DomainError('CATALOG_INVALID', `The resource has ${problems.length} problem(s) (信息资源有 ${problems.length} 处填写错误：${problems.map((p) => `${p.column}：${p.message}`).join('；')})`, { field: problems[0]!.column, problems });
  }
}

export function createCatalogLifecycle(deps: { db: Database; now: () => Date }) {
  const { db, now } = deps;

  /** Resolves the provider department of a body and fills in its registered name and USCC. */
  async function resolveInput(trx: Database, actor: Actor, body: ResourceBody, fixedOrgId?: string) {
    const repo = catalogRepository(trx);
    const org = body.providerCode
      ? await repo.findOrgByCode(body.providerCode)
      : await repo.findOrg(fixedOrgId ?? actor.orgId ?? '00000000-0000-0000-0000-000000000000');
    if (!org) throw new DomainError('CATALOG_PROVIDER_UNKNOWN', `Provider ${body.providerCode ?? '(your department)'} is not a registered department (资源提供方不是已注册部门).`, { field: 'providerCode' });
    if (fixedOrgId && org.id !== fixedOrgId) throw new DomainError('CATALOG_INVALID', 'The provider of a resource cannot be changed (资源提供方不能更改).', { field: 'providerCode' });
    if (!canEditResourcesOf(actor, org.id)) throw forbidden('Only the provider department\'s admin may catalog its resources (只能编目本部门的信息资源).');
    const { categoryId: _c, ...rest } = body;
    const input: ResourceInput = { ...rest, code: body.code ?? null, providerName: body.providerName?.trim() || org.name, providerCode: org.uscc };
    assertValid(input);
    return { org, input };
  }

  async function loadForChange(trx: Database, actor: Actor, id: string, check: (r: ResourceRow) => boolean, message: string) {
    const resource = await catalogRepository(trx).findResource(id, true);
    if (!resource) throw notFound(id);
    if (!check(resource)) throw forbidden(message);
    return resource;
  }

  async function workingVersion(trx: Database, resource: ResourceRow) {
    if (!resource.working_version_id) return undefined;
    return catalogRepository(trx).findVersion(resource.working_version_id);
  }

  return {
    /** Creates a resource with its first version as a draft. */
    async create(actor: Actor, ctx: AuditContext, body: ResourceBody) {
      return db.transaction().execute(async (trx) => {
        const { org, input } = await resolveInput(trx, actor, body);
        if (body.categoryId && !(await catalogRepository(trx).findCategory(body.categoryId))) {
          throw new DomainError('CATALOG_CATEGORY_NOT_FOUND', `Category ${body.categoryId} does not exist (资源分类不存在).`, { field: 'categoryId' });
        }
        const problem = (await codeProblems(trx, [input.code])).get(0);
        if (problem) throw new DomainError(problem.message.includes('已被使用') ? 'CATALOG_CODE_DUPLICATE' : 'CATALOG_CODE_INVALID', problem.message, { field: 'code' });
        const [created] = await storeNewResources(trx, actor, [{ input, providerOrgId: org.id, categoryId: body.categoryId ?? undefined, status: 'draft' }], now());
        await recordAuditEvent(trx, ctx, { action: 'catalog.resource_created', targetType: 'resource', targetId: created!.id, detail: { code: created!.code, name: input.name, providerOrgId: org.id } }, now());
        return created!;
      });
    },

    /**
     * Saves the working version: edits a draft or returned version in place, or starts a new version
     * of a published resource (which stays live until the new one is approved).
     */
    async saveDraft(actor: Actor, ctx: AuditContext, id: string, body: ResourceBody) {
      return db.transaction().execute(async (trx) => {
        const resource = await loadForChange(trx, actor, id, (r) => canEditResourcesOf(actor, r.provider_org_id), 'Only the provider department\'s admin may edit this resource (只能编辑本部门的信息资源).');
        if (resource.status === 'retired') throw badState('A retired resource cannot be changed (已下架的资源不能修改).');
        const { input } = await resolveInput(trx, actor, { ...body, code: null }, resource.provider_org_id);
        const working = await workingVersion(trx, resource);
        if (working?.status === 'submitted') throw badState('The resource is under review; wait for the review before editing (资源正在审核中).');
        if (working) {
          const repo = catalogRepository(trx);
          await trx.updateTable('catalog_resource_versions').set({
            ...versionColumnsOf(input), related_category_id: relatedCategoryId(input.relatedClass, await repo.listCategories()), updated_at: now(),
          }).where('id', '=', working.id).execute();
          await trx.deleteFrom('catalog_resource_items').where('version_id', '=', working.id).execute();
          await repo.insertItems(input.items.map((item, position) => ({ version_id: working.id, position, name: item.name.trim(), data_type: item.dataType, length: item.length })));
          await trx.updateTable('catalog_resources').set({ name: input.name.trim(), updated_at: now() }).where('id', '=', id).execute();
          await reindexResources(trx, [id]);
          await recordAuditEvent(trx, ctx, { action: 'catalog.version_updated', targetType: 'resource', targetId: id, detail: { code: resource.code, versionNo: working.version_no } }, now());
          return { id, code: resource.code, versionId: working.id };
        }
        const [created] = await storeNewVersions(trx, actor, [{ resource, input, status: 'draft' }], now());
        await recordAuditEvent(trx, ctx, { action: 'catalog.version_created', targetType: 'resource', targetId: id, detail: { code: resource.code, versionId: created!.versionId } }, now());
        return created!;
      });
    },

    async submit(actor: Actor, ctx: AuditContext, id: string) {
      return db.transaction().execute(async (trx) => {
        const resource = await loadForChange(trx, actor, id, (r) => canEditResourcesOf(actor, r.provider_org_id), 'Only the provider department\'s admin may submit this resource (只能提交本部门的信息资源).');
        const working = await workingVersion(trx, resource);
        if (!working || (working.status !== 'draft' && working.status !== 'returned')) throw badState('Only a draft or returned version can be submitted (只有草稿或退回的版本可以提交).');
        await trx.updateTable('catalog_resource_versions').set({ status: 'submitted', submitted_by: actor.userId, submitted_at: now(), updated_at: now() }).where('id', '=', working.id).execute();
        if (!resource.published_version_id) await trx.updateTable('catalog_resources').set({ status: 'submitted', updated_at: now() }).where('id', '=', id).execute();
        await catalogRepository(trx).insertReviewEvents([{ resource_id: id, version_id: working.id, action: 'submitted', actor_id: actor.userId, actor_username: actor.username, comment: null, at: now() }]);
        await reindexResources(trx, [id]);
        await recordAuditEvent(trx, ctx, { action: 'catalog.submitted', targetType: 'resource', targetId: id, detail: { code: resource.code, versionNo: working.version_no } }, now());
        return { id, code: resource.code, versionId: working.id };
      });
    },

    /** Publishes the submitted version; the previously published one is kept as superseded. */
    async approve(actor: Actor, ctx: AuditContext, id: string, comment: string | null) {
      return db.transaction().execute(async (trx) => {
        const resource = await loadForChange(trx, actor, id, () => canReviewResources(actor), 'Only the platform admin reviews catalog resources (只有平台管理员可以审核).');
        const working = await workingVersion(trx, resource);
        if (working?.status !== 'submitted') throw badState('Only a submitted version can be approved (只有待审核的版本可以审核).');
        if (resource.published_version_id) {
          await trx.updateTable('catalog_resource_versions').set({ status: 'superseded', updated_at: now() }).where('id', '=', resource.published_version_id).execute();
        }
        await trx.updateTable('catalog_resource_versions').set({ status: 'published', review_comment: comment, reviewed_by: actor.userId, reviewed_at: now(), updated_at: now() }).where('id', '=', working.id).execute();
        await trx.updateTable('catalog_resources').set({ status: 'published', published_version_id: working.id, working_version_id: null, name: working.name, updated_at: now() }).where('id', '=', id).execute();
        await catalogRepository(trx).insertReviewEvents([{ resource_id: id, version_id: working.id, action: 'approved', actor_id: actor.userId, actor_username: actor.username, comment, at: now() }]);
        await reindexResources(trx, [id]);
        await recordAuditEvent(trx, ctx, { action: 'catalog.approved', targetType: 'resource', targetId: id, detail: { code: resource.code, versionNo: working.version_no, supersededVersionId: resource.published_version_id } }, now());
        return { id, code: resource.code, versionId: working.id };
      });
    },

    async returnForChanges(actor: Actor, ctx: AuditContext, id: string, comment: string) {
      return db.transaction().execute(async (trx) => {
        const resource = await loadForChange(trx, actor, id, () => canReviewResources(actor), 'Only the platform admin reviews catalog resources (只有平台管理员可以审核).');
        const working = await workingVersion(trx, resource);
        if (working?.status !== 'submitted') throw badState('Only a submitted version can be returned (只有待审核的版本可以退回).');
        await trx.updateTable('catalog_resource_versions').set({ status: 'returned', review_comment: comment, reviewed_by: actor.userId, reviewed_at: now(), updated_at: now() }).where('id', '=', working.id).execute();
        if (!resource.published_version_id) await trx.updateTable('catalog_resources').set({ status: 'returned', updated_at: now() }).where('id', '=', id).execute();
        await catalogRepository(trx).insertReviewEvents([{ resource_id: id, version_id: working.id, action: 'returned', actor_id: actor.userId, actor_username: actor.username, comment, at: now() }]);
        await reindexResources(trx, [id]);
        await recordAuditEvent(trx, ctx, { action: 'catalog.returned', targetType: 'resource', targetId: id, detail: { code: resource.code, versionNo: working.version_no, comment } }, now());
        return { id, code: resource.code, versionId: working.id };
      });
    },

    /** 下架: a retired resource stays readable, marked, and can no longer be requested. */
    async retire(actor: Actor, ctx: AuditContext, id: string, reason: string) {
      return db.transaction().execute(async (trx) => {
        const resource = await loadForChange(trx, actor, id, (r) => canRetireResourceOf(actor, r.provider_org_id), 'Only the platform admin or the provider\'s admin may retire this resource (无权下架该资源).');
        if (resource.status === 'retired') throw badState('The resource is already retired (资源已下架).');
        if (!resource.published_version_id) throw badState('Only a published resource can be retired (只有已发布的资源可以下架).');
        await trx.updateTable('catalog_resources').set({ status: 'retired', retired_at: now(), retired_reason: reason, updated_at: now() }).where('id', '=', id).execute();
        await catalogRepository(trx).insertReviewEvents([{ resource_id: id, version_id: resource.published_version_id, action: 'retired', actor_id: actor.userId, actor_username: actor.username, comment: reason, at: now() }]);
        await reindexResources(trx, [id]);
        await recordAuditEvent(trx, ctx, { action: 'catalog.retired', targetType: 'resource', targetId: id, detail: { code: resource.code, reason } }, now());
        return { id, code: resource.code, versionId: resource.published_version_id };
      });
    },

    /**
     * The full resource. Anyone signed in reads a published (or retired) resource's published
     * versions; drafts and review history only its department and the platform admin.
     */
    async get(actor: Actor, id: string) {
      const repo = catalogRepository(db);
      const resource = await repo.findResource(id);
      if (!resource) throw notFound(id);
      const insider = canViewDepartmentCatalog(actor, resource.provider_org_id);
      if (!insider && !resource.published_version_id) throw notFound(id);
      const versions = (await repo.versionsOf(id)).filter((v) => insider || v.status === 'published' || v.status === 'superseded');
      const shownIds = [resource.published_version_id, insider ? resource.working_version_id : null].filter((v): v is string => v !== null);
      const items = await repo.itemsOf(shownIds);
      const view = (vid: string | null) => {
        const v = vid ? versions.find((x) => x.id === vid) : undefined;
        return v ? toVersionView(v, items.filter((i) => i.version_id === v.id)) : null;
      };
      const published = view(resource.published_version_id);
      const org = (await repo.findOrg(resource.provider_org_id))!;
      const category = (await repo.findCategory(resource.category_id))!;
      const categories = await repo.listCategories();
      const relatedIds = new Set([published?.relatedCategoryId, insider ? view(resource.working_version_id)?.relatedCategoryId : null].filter((x): x is string => !!x));
      const history = insider ? await repo.reviewEvents(id) : [];
      const versionNoOf = new Map(versions.map((v) => [v.id, v.version_no]));
      return {
        ...resourceHeader(resource),
        providerName: org.name,
        providerCode: org.uscc,
        category: { id: category.id, code: category.code, name: category.name, kind: category.kind },
        relatedCategories: categories.filter((c) => relatedIds.has(c.id)).map((c) => ({ id: c.id, code: c.code, name: c.name, kind: c.kind })),
        requestable: isRequestable(resource.status, published?.shareType),
        published,
        working: insider ? view(resource.working_version_id) : null,
        versions: versions.map(toVersionSummary),
        reviewHistory: history.map((h) => ({ action: h.action, actor: h.actor_username, comment: h.comment, at: new Date(h.at).toISOString(), versionNo: h.version_id ? versionNoOf.get(h.version_id) ?? null : null })),
      };
    },

    /** Compares two versions (by version number) field by field, items included. */
    async diff(actor: Actor, id: string, fromNo: number, toNo: number) {
      const repo = catalogRepository(db);
      const resource = await repo.findResource(id);
      if (!resource) throw notFound(id);
      const insider = canViewDepartmentCatalog(actor, resource.provider_org_id);
      if (!insider && !resource.published_version_id) throw notFound(id);
      const versions = (await repo.versionsOf(id)).filter((v) => insider || v.status === 'published' || v.status === 'superseded');
      const pick = (no: number) => {
        const v = versions.find((x) => x.version_no === no);
        if (!v) throw new DomainError('CATALOG_VERSION_NOT_FOUND', `Resource ${resource.code} has no version ${no} (版本不存在).`);
        return v;
      };
      const a = pick(fromNo);
      const b = pick(toNo);
      const items = await repo.itemsOf([a.id, b.id]);
      return diffVersions(toVersionView(a, items.filter((i) => i.version_id === a.id)), toVersionView(b, items.filter((i) => i.version_id === b.id)));
    },

    /** The registered department a provider code (USCC or legacy `XXXXXXXX-X`) names, for the importer. */
    async findProviderByCode(code: string): Promise<{ id: string; uscc: string; name: string } | null> {
      return (await catalogRepository(db).findOrgByCode(code)) ?? null;
    },
  };
}
