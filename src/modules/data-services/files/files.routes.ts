import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { DomainError } from '../../../platform/errors.js';
import { actorOf, auditContextOf } from '../../../platform/http/request-context.js';
import { IdParams, responses } from '../../../platform/http/schemas.js';
import type { RunDataCall } from '../api/data-call.types.js';
import {
  Binary, FileVersionListResponse, FileVersionParams, FileVersionSchema, PublicFileVersionListResponse, ResourceCodeParams,
} from './files.schemas.js';
import { readUpload, type FilesService, type ReadUpload } from './files.service.js';

/** `Content-Disposition: attachment` with an ASCII fallback and the RFC 5987 UTF-8 name. */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** Management routes (session auth): upload and list file versions. */
export function filesRoutes(deps: { files: FilesService }): FastifyPluginAsync {
  const { files } = deps;
  const plugin: FastifyPluginAsyncTypebox = async (app) => {
    // One byte more than allowed, so a file exactly at the limit is not mistaken for a truncated one; the
    // service (not the plugin) refuses oversized files, with its own message.
    await app.register(multipart, { throwFileSizeLimit: false, limits: { fileSize: files.maxBytes + 1, files: 1, fields: 5, fieldSize: 64 * 1024 } });
    const tags = ['data-services'];

    app.get('/resources/:id/files', {
      schema: { tags, summary: 'Versions of a 文件 resource (provider department, platform admin)', params: IdParams, response: responses({ 200: FileVersionListResponse }) },
    }, async (request) => files.list(actorOf(request), request.params.id));

    app.post('/resources/:id/files', {
      schema: {
        tags, consumes: ['multipart/form-data'], params: IdParams, response: responses({ 201: FileVersionSchema }),
        summary: 'Upload the next version of a 文件 resource: multipart field `file` (≤ 100 MB) and optional field `note` (provider dept_admin)',
      },
    }, async (request, reply) => {
      const actor = actorOf(request);
      if (!request.isMultipart()) throw new DomainError('VALIDATION_FAILED', 'Send the file as multipart/form-data field "file" (请上传文件).', { field: 'file' });
      await files.assertMayUpload(actor, request.params.id);
      let upload: ReadUpload | null = null;
      let filename = '';
      let note: string | null = null;
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          if (part.fieldname !== 'file' || upload) { part.file.resume(); continue; }
          filename = part.filename;
          upload = await readUpload(part.file, files.maxBytes);
        } else if (part.fieldname === 'note' && typeof part.value === 'string') {
          note = part.value;
        }
      }
      if (!upload) throw new DomainError('VALIDATION_FAILED', 'The multipart field "file" is missing (请上传文件).', { field: 'file' });
      return reply.status(201).send(await files.addVersion(actor, auditContextOf(request), request.params.id, { filename, upload, note }));
    });
  };
  return plugin as FastifyPluginAsync;
}

/** Data API routes (signed): list and download versions. Registered inside the data API plugin. */
export function fileDataRoutes(deps: { runDataCall: RunDataCall; files: FilesService }): FastifyPluginAsync {
  const { runDataCall, files } = deps;
  const plugin: FastifyPluginAsyncTypebox = async (app) => {
    const tags = ['data-api'];

    app.get('/files/:classification/:sequence', {
      config: { public: true },
      schema: { tags, summary: 'Versions of a granted 文件 resource (signed)', params: ResourceCodeParams, response: responses({ 200: PublicFileVersionListResponse }) },
    }, async (request, reply) => {
      const { classification, sequence } = request.params;
      return runDataCall(request, reply, { resourceCode: `${classification}/${sequence}`, operation: 'file', kind: 'file' }, async (ctx, outcome) => {
        const items = await files.publishedVersions(ctx.resource.id);
        outcome.items = [];
        outcome.rows = items.length;
        return { items };
      });
    });

    app.get('/files/:classification/:sequence/versions/:versionNo', {
      config: { public: true },
      schema: { tags, summary: 'Download one version (or `latest`): the bytes with X-Content-SM3 (signed)', params: FileVersionParams, response: responses({ 200: Binary }) },
    }, async (request, reply) => {
      const { classification, sequence, versionNo } = request.params;
      const file = await runDataCall(request, reply, { resourceCode: `${classification}/${sequence}`, operation: 'file', kind: 'file' }, async (ctx, outcome) => {
        const version = versionNo === 'latest' ? 'latest' as const : /^[1-9]\d{0,8}$/.test(versionNo) ? Number(versionNo) : null;
        if (version === null) throw new DomainError('VALIDATION_FAILED', 'The version is a positive number or "latest" (版本号应为正整数或 latest).', { field: 'versionNo' });
        const found = await files.versionContent(ctx.resource.id, version);
        outcome.items = [];
        outcome.rows = 1;
        return found;
      });
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', contentDisposition(file.filename))
        .header('x-content-sm3', file.sm3)
        .header('x-content-type-options', 'nosniff')
        .send(file.content);
    });
  };
  return plugin as FastifyPluginAsync;
}
