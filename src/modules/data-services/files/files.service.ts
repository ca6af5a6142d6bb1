import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { recordAuditEvent, type AuditContext } from '../../audit/index.js';
import { publishedDataResource, type PublishedDataResource } from '../../catalog/index.js';
import type { Actor } from '../../identity/identity.policy.js';
import type { Database } from '../../../platform/db/database.js';
import { DomainError, forbidden } from '../../../platform/errors.js';
import { resourceKindOf } from '../resource-kinds.js';
import { canListFileVersions, canUploadFileVersion } from './files.policy.js';
import { filesRepository, type FileVersionRow } from './files.repository.js';
import type { FileVersionView, PublicFileVersionView } from './files.types.js';

export type { FileVersionView, PublicFileVersionView };

/** Largest file version accepted (100 MB). */
export const FILE_MAX_BYTES = 100 * 1024 * 1024;
const NOTE_MAX_CHARS = 2000;

/** An upload read off the wire: the bytes, their SM3 computed while streaming, and whether the limit was hit. */
export interface ReadUpload {
  body: Buffer;
  size: number;
  sm3: string;
  truncated: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  pdf: 'application/pdf', ofd: 'application/ofd', wps: 'application/vnd.ms-works', xml: 'application/xml', txt: 'text/plain; charset=utf-8',
  doc: 'application/msword', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8', ppt: 'application/vnd.ms-powerpoint', pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  xls: 'application/vnd.ms-excel', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', et: 'application/vnd.ms-excel',
  csv: 'text/csv; charset=utf-8', json: 'application/json', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', bmp: 'image/bmp',
  png: 'image/png', tif: 'image/tiff', tiff: 'image/tiff', swf: 'application/x-shockwave-flash', rm: 'application/vnd.rn-realmedia',
  mpg: 'video/mpeg', mpeg: 'video/mpeg', mp4: 'video/mp4', zip: 'application/zip', rar: 'application/vnd.rar', '7z': 'application/x-7z-compressed',
  gz: 'application/gzip', shp: 'application/octet-stream',
};

/** The content type is taken from the extension; anything unknown is served as octet-stream (never the client's claim). */
export function contentTypeOf(filename: string): string {
  const ext = filename.includes('.') ? filename.split('.').pop()!.toLowerCase() : '';
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}

/** Strips path separators and control characters; keeps the tail (the extension) of very long names. */
export function safeFilename(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[\u0000-\u001f\u007f"]/g, '_').trim();
  return Array.from(cleaned).slice(-200).join('') || 'file';
}

/**
 * Reads a stream into memory (the content goes to a bytea column anyway) while computing its SM3,
 * stopping at `maxBytes`: once the limit is passed the rest is drained and dropped.
 */
export async function readUpload(stream: Readable & { truncated?: boolean }, maxBytes = FILE_MAX_BYTES): Promise<ReadUpload> {
  const hash = createHash('sm3');
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    if (over) continue;
    size += buffer.length;
    if (size > maxBytes) { over = true; chunks.length = 0; continue; }
    hash.update(buffer);
    chunks.push(buffer);
  }
  const truncated = over || stream.truncated === true;
  return { body: truncated ? Buffer.alloc(0) : Buffer.concat(chunks, size), size, sm3: hash.digest('hex'), truncated };
}

const iso = (value: Date | string) => new Date(value).toISOString();

function toView(row: FileVersionRow): FileVersionView {
  return {
    id: row.id, resourceId: row.resource_id, versionNo: row.version_no, filename: row.filename, contentType: row.content_type,
    size: Number(row.size), sm3: row.sm3, note: row.note, uploadedBy: row.uploaded_by_username, createdAt: iso(row.created_at),
  };
}

export function toPublicView(view: FileVersionView): PublicFileVersionView {
  const { versionNo, filename, contentType, size, sm3, note, createdAt } = view;
  return { versionNo, filename, contentType, size, sm3, note, createdAt };
}

const notFound = (id: string) => new DomainError('DATA_RESOURCE_NOT_FOUND', `Resource ${id} does not exist or is not published (资源不存在或未发布).`);

function assertFileKind(resource: PublishedDataResource): void {
  const kind = resourceKindOf(resource.formatClass);
  if (kind !== 'file') {
    throw new DomainError('DATA_KIND_MISMATCH', `Resource ${resource.code} is served as ${kind}, not as files (该资源不是文件类资源).`, { kind });
  }
}

/** File resources (文件): the provider uploads numbered versions with SM3 checksums; consumers download them through the data API. */
export function createFilesService(deps: { db: Database; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const { db } = deps;

  async function managedResource(actor: Actor, resourceId: string, may: (actor: Actor, providerOrgId: string) => boolean, refusal: string) {
    const resource = await publishedDataResource(db, { id: resourceId });
    if (!resource) throw notFound(resourceId);
    if (!may(actor, resource.providerOrgId)) throw forbidden(refusal);
    assertFileKind(resource);
    return resource;
  }

  return {
    maxBytes: FILE_MAX_BYTES,

    /** GET /resources/{id}/files: every version, newest first. */
    async list(actor: Actor, resourceId: string): Promise<{ items: FileVersionView[] }> {
      await managedResource(actor, resourceId, canListFileVersions, 'Only the provider department may see the file versions (只有提供部门可以查看文件版本).');
      return { items: (await filesRepository(db).listVersions(resourceId)).map(toView) };
    },

    /** Checked before the upload is read, so a refused caller does not make the server take 100 MB first. */
    async assertMayUpload(actor: Actor, resourceId: string): Promise<void> {
      await managedResource(actor, resourceId, canUploadFileVersion, 'Only the provider department\'s admin may upload file versions (只有提供部门管理员可以上传文件).');
    },

    /** POST /resources/{id}/files: stores the next version (1, 2, …) of a published 文件 resource. */
    async addVersion(actor: Actor, ctx: AuditContext, resourceId: string, input: { filename: string; upload: ReadUpload; note?: string | null }): Promise<FileVersionView> {
      if (input.upload.truncated) {
        throw new DomainError('PAYLOAD_TOO_LARGE', `The file is larger than ${FILE_MAX_BYTES / 1024 / 1024} MB (文件超过 100 MB).`);
      }
      if (input.upload.size === 0) throw new DomainError('FILE_INVALID', 'The file is empty (文件为空).', { field: 'file' });
      const note = input.note?.trim() || null;
      if (note && note.length > NOTE_MAX_CHARS) throw new DomainError('FILE_INVALID', `The note is longer than ${NOTE_MAX_CHARS} characters (版本说明过长).`, { field: 'note' });
      const filename = safeFilename(input.filename);
      return db.transaction().execute(async (trx) => {
        const at = now();
        const resource = await publishedDataResource(trx, { id: resourceId });
        if (!resource) throw notFound(resourceId);
        if (!canUploadFileVersion(actor, resource.providerOrgId)) throw forbidden('Only the provider department\'s admin may upload file versions (只有提供部门管理员可以上传文件).');
        assertFileKind(resource);
        const repo = filesRepository(trx);
        await repo.lockResourceVersions(resourceId);
        const versionNo = await repo.nextVersionNo(resourceId);
        const row = await repo.insertVersion({
          resource_id: resourceId, version_no: versionNo, filename, content_type: contentTypeOf(filename), size: input.upload.size,
          sm3: input.upload.sm3, content: input.upload.body, note, uploaded_by: actor.userId, uploaded_by_username: actor.username, created_at: at,
        });
        await recordAuditEvent(trx, ctx, {
          action: 'data.file_version_added', targetType: 'resource', targetId: resourceId,
          detail: { resourceCode: resource.code, versionNo, filename, size: input.upload.size, sm3: input.upload.sm3 },
        }, at);
        return toView(row);
      });
    },

    /** Data API list: versions of a resource the caller is granted. */
    async publishedVersions(resourceId: string): Promise<PublicFileVersionView[]> {
      return (await filesRepository(db).listVersions(resourceId)).map((row) => toPublicView(toView(row)));
    },

    /** Data API download: one version's bytes, or `FILE_NOT_FOUND`. */
    async versionContent(resourceId: string, versionNo: number | 'latest'): Promise<PublicFileVersionView & { content: Buffer }> {
      const row = await filesRepository(db).findVersionWithContent(resourceId, versionNo);
      if (!row) {
        throw new DomainError('FILE_NOT_FOUND', versionNo === 'latest'
          ? 'The resource has no file version yet (该资源尚未上传文件).'
          : `File version ${versionNo} does not exist (文件版本不存在).`);
      }
      return { ...toPublicView(toView(row)), content: Buffer.from(row.content) };
    },
  };
}

export type FilesService = ReturnType<typeof createFilesService>;
