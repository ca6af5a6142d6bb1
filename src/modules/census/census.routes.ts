import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DomainError } from '../../platform/errors.js';
import { actorOf, auditContextOf } from '../../platform/http/request-context.js';
import { IdParams, NoContent, responses } from '../../platform/http/schemas.js';
import {
  CreateSystemBody, ImportQuery, ImportReportSchema, LinkResourceBody, OrgScopeQuery, ResourceParams, SystemListQuery,
  SystemListResponse, SystemSchema, UpdateSystemBody,
} from './census.schemas.js';
// The questionnaire schemas are too wide for TypeScript to carry through Fastify's inference, so the
// validated bodies are handed on with the service's own types.
import type { CensusService, CreateSystemInput, SystemFilter, SystemPatch } from './census.service.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const IMPORT_MAX_BYTES = 10 * 1024 * 1024;

/** 信息系统普查 routes under /census. */
export function censusRoutes(census: CensusService): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(multipart, { limits: { fileSize: IMPORT_MAX_BYTES, files: 1, fields: 5 } });
    const tags = ['census'];

    app.get('/census/systems', {
      schema: {
        tags, summary: 'Information systems of the census (own department; the platform admin sees all), with zombie flags',
        querystring: SystemListQuery, response: responses({ 200: SystemListResponse }),
      },
    }, async (request) => census.list(actorOf(request), request.query as SystemFilter));

    app.get('/census/systems/:id', {
      schema: { tags, summary: 'One system with its linked catalog resources and zombie reasons', params: IdParams, response: responses({ 200: SystemSchema }) },
    }, async (request) => census.get(actorOf(request), request.params.id));

    app.post('/census/systems', {
      schema: { tags, summary: 'Register a system (department admin of its department, or the platform admin)', body: CreateSystemBody, response: responses({ 201: SystemSchema }) },
    }, async (request, reply) => reply.status(201).send(await census.create(actorOf(request), auditContextOf(request), request.body as CreateSystemInput)));

    app.patch('/census/systems/:id', {
      schema: { tags, summary: 'Change a system\'s questionnaire answers', params: IdParams, body: UpdateSystemBody, response: responses({ 200: SystemSchema }) },
    }, async (request) => census.update(actorOf(request), auditContextOf(request), request.params.id, request.body as SystemPatch));

    app.delete('/census/systems/:id', {
      schema: { tags, summary: 'Delete a system from the census', params: IdParams, response: responses({ 204: NoContent }) },
    }, async (request, reply) => {
      await census.remove(actorOf(request), auditContextOf(request), request.params.id);
      return reply.status(204).send(null);
    });

    app.post('/census/systems/:id/resources', {
      schema: {
        tags, summary: 'Link a catalog resource of the same department (by id or code)', params: IdParams, body: LinkResourceBody,
        response: responses({ 200: SystemSchema }),
      },
    }, async (request) => census.linkResource(actorOf(request), auditContextOf(request), request.params.id, request.body));

    app.delete('/census/systems/:id/resources/:resourceId', {
      schema: { tags, summary: 'Unlink a catalog resource', params: ResourceParams, response: responses({ 204: NoContent }) },
    }, async (request, reply) => {
      await census.unlinkResource(actorOf(request), auditContextOf(request), request.params.id, request.params.resourceId);
      return reply.status(204).send(null);
    });

    app.get('/census/candidates', {
      schema: {
        tags, summary: '清理整合候选: systems with at least one zombie reason, most reasons first',
        querystring: OrgScopeQuery, response: responses({ 200: SystemListResponse }),
      },
    }, async (request) => census.candidates(actorOf(request), request.query));

    app.get('/census/export', {
      schema: {
        tags, summary: 'The census form as an Excel file (re-importable)', querystring: OrgScopeQuery, produces: [XLSX],
        response: responses({ 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) }),
      },
    }, async (request, reply) => {
      const file = await census.exportWorkbook(actorOf(request), auditContextOf(request), request.query);
      return reply.header('content-type', file.contentType).header('content-disposition', `attachment; filename="${file.filename}"`).send(file.body);
    });

    app.post('/census/import', {
      schema: {
        tags, consumes: ['multipart/form-data'], querystring: ImportQuery,
        summary: 'Import the census form (multipart field `file`). All or nothing: with any error nothing is written and the answer lists every error by row and column; dryRun only checks',
        response: responses({ 200: ImportReportSchema }),
      },
    }, async (request) => {
      const actor = actorOf(request);
      if (!request.isMultipart()) throw new DomainError('CENSUS_IMPORT_INVALID', 'Send the Excel file as multipart/form-data field "file" (请上传 Excel 文件).');
      const part = await request.file();
      if (!part || part.fieldname !== 'file') throw new DomainError('CENSUS_IMPORT_INVALID', 'The multipart field "file" is missing (请上传 Excel 文件).');
      const body = await part.toBuffer();
      if (part.file.truncated) throw new DomainError('PAYLOAD_TOO_LARGE', `The file is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MB (文件过大).`);
      return census.importWorkbook(actor, auditContextOf(request), body, { orgId: request.query.orgId, dryRun: request.query.dryRun ?? false });
    });
  };
}
