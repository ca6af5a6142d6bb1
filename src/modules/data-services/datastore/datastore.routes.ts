import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DomainError } from '../../../platform/errors.js';
import { actorOf, auditContextOf } from '../../../platform/http/request-context.js';
import { IdParams, responses } from '../../../platform/http/schemas.js';
import { DatastoreViewSchema, DefineDatastoreBody, LoadListResponse, LoadParams, LoadQuery, LoadViewSchema } from './datastore.schemas.js';
import type { DatastoreService } from './datastore.service.js';

/** Largest load file accepted (multipart streams are not bound by the app's bodyLimit). */
export const LOAD_MAX_BYTES = 4 * 1024 * 1024 * 1024;

/** 数据存储 and 数据装载 routes (docs/data-services-api.md, "Datastore"). */
export function datastoreRoutes(deps: { datastore: DatastoreService }): FastifyPluginAsyncTypebox {
  const { datastore } = deps;
  return async (app) => {
    await app.register(multipart, { limits: { fileSize: LOAD_MAX_BYTES, files: 1, fields: 5 } });
    const tags = ['data-services'];

    app.get('/resources/:id/datastore', {
      schema: { tags, summary: 'The datastore of a 库表 resource: key, columns, row count, items still without a column', params: IdParams, response: responses({ 200: DatastoreViewSchema }) },
    }, async (request) => datastore.get(actorOf(request), request.params.id));

    app.put('/resources/:id/datastore', {
      schema: { tags, summary: 'Define the key (creates the table) or add columns for a newer published version; the key is locked once rows exist', params: IdParams, body: DefineDatastoreBody, response: responses({ 200: DatastoreViewSchema }) },
    }, async (request) => datastore.define(actorOf(request), auditContextOf(request), request.params.id, request.body));

    app.post('/resources/:id/loads', {
      schema: {
        tags, consumes: ['multipart/form-data'], params: IdParams, querystring: LoadQuery, response: responses({ 200: LoadViewSchema }),
        summary: 'Load a file (multipart field `file`: .csv, .xlsx first sheet, .jsonl) — streamed, checked row by row, all or nothing',
      },
    }, async (request) => {
      const actor = actorOf(request);
      if (!request.isMultipart()) throw new DomainError('VALIDATION_FAILED', 'Send the file as multipart/form-data field "file" (请上传数据文件).', { field: 'file' });
      const part = await request.file();
      if (!part || part.fieldname !== 'file') throw new DomainError('VALIDATION_FAILED', 'The multipart field "file" is missing (请上传数据文件).', { field: 'file' });
      const length = Number(request.headers['content-length']);
      try {
        const view = await datastore.load(actor, auditContextOf(request), { id: request.params.id }, {
          mode: request.query.mode ?? 'replace', format: request.query.format, filename: part.filename || null, stream: part.file,
          loadId: request.query.loadId, bytes: Number.isFinite(length) ? length : undefined,
        });
        return view;
      } finally {
        part.file.resume(); // an upload refused before it was read must still be drained
      }
    });

    app.get('/resources/:id/loads', {
      schema: { tags, summary: 'Load history of a resource, newest first', params: IdParams, response: responses({ 200: LoadListResponse }) },
    }, async (request) => datastore.loads(actorOf(request), request.params.id));

    app.get('/loads/:loadId', {
      schema: { tags, summary: 'One load, live while it runs (bytesRead, totalRows)', params: LoadParams, response: responses({ 200: LoadViewSchema }) },
    }, async (request) => datastore.getLoad(actorOf(request), request.params.loadId));
  };
}
