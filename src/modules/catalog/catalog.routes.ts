import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { DomainError } from '../../platform/errors.js';
import { actorOf, auditContextOf } from '../../platform/http/request-context.js';
import { IdParams, responses } from '../../platform/http/schemas.js';
import {
  ApproveBody, CategoriesResponse, DiffParams, DiffSchema, ExportQuery, ImportQuery, ImportResponse, ResourceBodySchema, ResourceDetailSchema,
  RetireBody, ReturnBody, SearchQuery, SearchResponse, TransitionResult,
} from './catalog.schemas.js';
import type { CatalogService } from './catalog.service.js';
import { parseCatalogWorkbook } from './import/index.js';

/** Largest catalog workbook accepted: a 10,000-resource annex-4 file is a few MB. */
const IMPORT_FILE_LIMIT_BYTES = 50 * 1024 * 1024;

export function catalogRoutes(catalog: CatalogService): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(multipart, { limits: { fileSize: IMPORT_FILE_LIMIT_BYTES, files: 1, fields: 10 } });
    const tags = ['catalog'];

    app.get('/resources', {
      schema: { tags, summary: 'Search and browse the shared catalog or a department catalog, with facets', querystring: SearchQuery, response: responses({ 200: SearchResponse }) },
    }, async (request) => catalog.search(actorOf(request), request.query));

    app.post('/resources', {
      schema: { tags, summary: 'Create a resource as a draft (provider department admin or platform admin)', body: ResourceBodySchema, response: responses({ 201: TransitionResult }) },
    }, async (request, reply) => reply.status(201).send(await catalog.create(actorOf(request), auditContextOf(request), request.body)));

    app.get('/resources/:id', {
      schema: { tags, summary: 'A resource with its published and working version, versions and review history', params: IdParams, response: responses({ 200: ResourceDetailSchema }) },
    }, async (request) => catalog.get(actorOf(request), request.params.id));

    app.put('/resources/:id/draft', {
      schema: { tags, summary: 'Save the working version (edits a draft/returned one, or starts a new version of a published resource)', params: IdParams, body: ResourceBodySchema, response: responses({ 200: TransitionResult }) },
    }, async (request) => catalog.saveDraft(actorOf(request), auditContextOf(request), request.params.id, request.body));

    app.post('/resources/:id/submit', {
      schema: { tags, summary: 'Submit the working version for review', params: IdParams, response: responses({ 200: TransitionResult }) },
    }, async (request) => catalog.submit(actorOf(request), auditContextOf(request), request.params.id));

    app.post('/resources/:id/approve', {
      schema: { tags, summary: 'Approve and publish the submitted version (platform admin)', params: IdParams, body: ApproveBody, response: responses({ 200: TransitionResult }) },
    }, async (request) => catalog.approve(actorOf(request), auditContextOf(request), request.params.id, request.body.comment ?? null));

    app.post('/resources/:id/return', {
      schema: { tags, summary: 'Return the submitted version with a comment (platform admin)', params: IdParams, body: ReturnBody, response: responses({ 200: TransitionResult }) },
    }, async (request) => catalog.returnForChanges(actorOf(request), auditContextOf(request), request.params.id, request.body.comment));

    app.post('/resources/:id/retire', {
      schema: { tags, summary: 'Retire (下架) a published resource with a reason', params: IdParams, body: RetireBody, response: responses({ 200: TransitionResult }) },
    }, async (request) => catalog.retire(actorOf(request), auditContextOf(request), request.params.id, request.body.reason));

    app.get('/resources/:id/versions/:from/diff/:to', {
      schema: { tags, summary: 'Compare two versions field by field, items included', params: DiffParams, response: responses({ 200: DiffSchema }) },
    }, async (request) => catalog.diff(actorOf(request), request.params.id, request.params.from, request.params.to));

    app.get('/catalog/categories', {
      schema: { tags, summary: 'The classification tree (基础/主题/部门) with published-resource counts', response: responses({ 200: CategoriesResponse }) },
    }, async () => ({ items: await catalog.categories() }));

    app.post('/catalog/imports', {
      schema: {
        tags, summary: 'Import an annex-4 catalog workbook (multipart field `file`)', consumes: ['multipart/form-data'],
        querystring: ImportQuery, response: responses({ 200: ImportResponse }),
      },
    }, async (request) => {
      const actor = actorOf(request);
      if (!request.isMultipart()) throw new DomainError('CATALOG_IMPORT_INVALID', 'Send the workbook as multipart/form-data in the field `file` (请上传目录文件).');
      const file = await request.file();
      if (!file || file.fieldname !== 'file') throw new DomainError('CATALOG_IMPORT_INVALID', 'The multipart field `file` is missing (请上传目录文件).');
      let buffer: Buffer;
      try {
        buffer = await file.toBuffer();
      } catch (error) {
        if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new DomainError('PAYLOAD_TOO_LARGE', `The workbook is larger than ${IMPORT_FILE_LIMIT_BYTES / 1024 / 1024} MB.`);
        throw error;
      }
      let parsed;
      try {
        parsed = await parseCatalogWorkbook(buffer, { lookupProvider: async (code) => catalog.findProviderByCode(code) });
      } catch (error) {
        // A file that is no annex-4 workbook (no header, missing columns): the same code as other unusable files.
        if (error instanceof DomainError && error.code === 'VALIDATION_FAILED') throw new DomainError('CATALOG_IMPORT_INVALID', error.message, error.extra);
        if (error instanceof DomainError) throw error;
        throw new DomainError('CATALOG_IMPORT_INVALID', `The file is not a readable annex-4 catalog workbook (无法读取目录文件): ${(error as Error).message}`);
      }
      const valid = parsed.blocks.filter((b) => b.resource !== null && b.errors.length === 0);
      const outcomes = await catalog.importResources(actor, auditContextOf(request), valid.map((b) => b.resource!), {
        submit: request.query.submit ?? false, dryRun: request.query.dryRun ?? false,
      });
      const byBlock = new Map(valid.map((b, i) => [b, outcomes[i]!]));
      const resources = parsed.blocks.map((b) => {
        const outcome = byBlock.get(b);
        return {
          row: b.row, name: b.name, errors: [...b.errors, ...(outcome?.errors ?? [])],
          ...(outcome?.id ? { id: outcome.id } : {}), ...(outcome?.code ? { code: outcome.code } : {}), ...(outcome?.action ? { action: outcome.action } : {}),
        };
      });
      const failed = resources.filter((r) => r.errors.length > 0).length;
      return { imported: resources.length - failed, failed, resources };
    });

    app.get('/catalog/export', {
      schema: {
        tags, summary: 'Export the resources a search selects: annex-4 xlsx, csv or json', querystring: ExportQuery,
        produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv', 'application/json'],
        response: responses({ 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) }),
      },
    }, async (request, reply) => {
      const { format = 'xlsx', ...filters } = request.query;
      const file = await catalog.export(actorOf(request), auditContextOf(request), filters, format);
      return reply.header('content-type', file.contentType).header('content-disposition', `attachment; filename="${file.filename}"`).send(file.body);
    });
  };
}
