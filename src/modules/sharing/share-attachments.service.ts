import { recordAuditEvent, type AuditContext } from '../audit/index.js';
import type { Actor } from '../identity/identity.policy.js';
import type { Database } from '../../platform/db/database.js';
import { sm3Hex } from '../../platform/crypto/sm3.js';
import { DomainError, forbidden } from '../../platform/errors.js';
import { canReadSharingCase, isMemberOf } from './sharing.policy.js';
import { sharingRepository } from './sharing.repository.js';
import { recordSharingEvent } from './sharing-support.js';
import type { AttachmentView } from './sharing.types.js';

export const ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;
const CONTENT_TYPES: Record<string, string> = {
  pdf: 'application/pdf', ofd: 'application/ofd', doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png',
};

const notFound = (id: string) => new DomainError('SHARE_REQUEST_NOT_FOUND', `Share request ${id} does not exist (共享申请不存在).`);

/** Supporting documents of a request (申请函、依据文件): the applicant adds them while the request is pending. */
export function createShareAttachmentsService(deps: { db: Database; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const { db } = deps;

  return {
    async add(actor: Actor, ctx: AuditContext, requestId: string, file: { filename: string; body: Buffer }): Promise<AttachmentView> {
      const filename = file.filename.replace(/[\\/\r\n"]/g, '_').slice(-200) || 'attachment';
      const ext = filename.includes('.') ? filename.split('.').pop()!.toLowerCase() : '';
      const contentType = CONTENT_TYPES[ext];
      if (!contentType) throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Attach pdf, ofd, doc(x), xls(x), jpg or png files (附件格式不支持).');
      return db.transaction().execute(async (trx) => {
        const at = now();
        const request = await sharingRepository(trx).findRequest(requestId, true);
        if (!request) throw notFound(requestId);
        if (!isMemberOf(actor, request.applicant_org_id)) throw forbidden('Only the applicant department may attach documents (只有申请部门可以上传附件).');
        if (request.status !== 'pending') throw new DomainError('SHARE_REQUEST_DECIDED', 'Documents can be attached only while the request is pending (只有待审核的申请可以上传附件).');
        const sm3 = sm3Hex(file.body);
        const row = await trx.insertInto('sharing_attachments').values({
          request_id: requestId, filename, content_type: contentType, size: file.body.length, sm3, content: file.body, uploaded_by: actor.userId, created_at: at,
        }).returning(['id', 'created_at']).executeTakeFirstOrThrow();
        await recordSharingEvent(trx, { type: 'request', id: requestId }, 'attachment_added', actor, filename, at);
        await recordAuditEvent(trx, ctx, { action: 'sharing.attachment_added', targetType: 'share_request', targetId: requestId, detail: { attachmentId: row.id, filename, size: file.body.length, sm3 } }, at);
        return { id: row.id, filename, size: file.body.length, sm3, createdAt: new Date(row.created_at).toISOString() };
      });
    },

    async get(actor: Actor, requestId: string, attachmentId: string): Promise<{ filename: string; contentType: string; body: Buffer }> {
      const request = await sharingRepository(db).findRequest(requestId);
      if (!request) throw notFound(requestId);
      if (!canReadSharingCase(actor, { providerOrgId: request.provider_org_id, consumerOrgId: request.applicant_org_id })) throw forbidden('无权查看该申请的附件.');
      const row = await db.selectFrom('sharing_attachments').select(['filename', 'content_type', 'content'])
        .where('id', '=', attachmentId).where('request_id', '=', requestId).executeTakeFirst();
      if (!row) throw new DomainError('NOT_FOUND', `Attachment ${attachmentId} does not exist (附件不存在).`);
      return { filename: row.filename, contentType: row.content_type, body: Buffer.from(row.content) };
    },
  };
}

export type ShareAttachmentsService = ReturnType<typeof createShareAttachmentsService>;
