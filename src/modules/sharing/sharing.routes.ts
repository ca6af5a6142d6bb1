import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DomainError } from '../../platform/errors.js';
import { actorOf, auditContextOf } from '../../platform/http/request-context.js';
import { IdParams, NoContent, responses } from '../../platform/http/schemas.js';
import { ATTACHMENT_MAX_BYTES } from './share-attachments.service.js';
import {
  AttachmentParams, AttachmentSchema, CalendarDayBody, CalendarDaySchema, CalendarQuery, CalendarResponse, Created, CreateErrorReportBody,
  CreateRequestBody, DateParams, DecisionBody, ErrorReportDetailSchema, ErrorReportListQuery, ErrorReportListResponse, ErrorReportSchema,
  GrantListQuery, GrantListResponse, GrantSchema, JobOutcomeSchema, RenewalBody, ReplyBody, RequestListQuery, RequestListResponse, RevokeBody,
  SettingsSchema, ShareRequestDetailSchema, ShareRequestSchema,
} from './sharing.schemas.js';
import type { SharingService } from './sharing.service.js';

/** 共享申请、审批、授权、数据纠错 routes (docs/sharing-api.md). */
export function sharingRoutes(sharing: SharingService): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(multipart, { limits: { fileSize: ATTACHMENT_MAX_BYTES, files: 1, fields: 5 } });
    const tags = ['sharing'];
    const { requests, attachments, grants, errorReports, settings } = sharing;

    app.post('/share-requests', {
      schema: { tags, summary: 'Request a resource: 无条件共享 is granted at once, 有条件共享 waits for the provider; 不予共享 is refused (422)', body: CreateRequestBody, response: responses({ 201: Created }) },
    }, async (request, reply) => reply.status(201).send(await requests.create(actorOf(request), auditContextOf(request), request.body)));

    app.get('/share-requests', {
      schema: { tags, summary: 'Requests of my department (applicant), for my department\'s resources (provider), or all (reviewer)', querystring: RequestListQuery, response: responses({ 200: RequestListResponse }) },
    }, async (request) => requests.list(actorOf(request), request.query));

    app.get('/share-requests/:id', {
      schema: { tags, summary: 'One request with its history, attachments and grant', params: IdParams, response: responses({ 200: ShareRequestDetailSchema }) },
    }, async (request) => requests.get(actorOf(request), request.params.id));

    app.post('/share-requests/:id/decision', {
      schema: { tags, summary: 'Approve (optionally narrowing items and period, with masking and a daily quota) or refuse with a reason', params: IdParams, body: DecisionBody, response: responses({ 200: ShareRequestSchema }) },
    }, async (request) => requests.decide(actorOf(request), auditContextOf(request), request.params.id, request.body));

    app.post('/share-requests/:id/withdraw', {
      schema: { tags, summary: 'Withdraw a pending request (applicant department)', params: IdParams, response: responses({ 200: ShareRequestSchema }) },
    }, async (request) => requests.withdraw(actorOf(request), auditContextOf(request), request.params.id));

    app.post('/share-requests/:id/attachments', {
      schema: { tags, consumes: ['multipart/form-data'], summary: 'Attach a document (multipart field `file`, ≤ 20 MB; pdf, ofd, doc(x), xls(x), jpg, png)', params: IdParams, response: responses({ 201: AttachmentSchema }) },
    }, async (request, reply) => {
      const actor = actorOf(request);
      if (!request.isMultipart()) throw new DomainError('VALIDATION_FAILED', 'Send the file as multipart/form-data field "file" (请上传附件).', { field: 'file' });
      const part = await request.file();
      if (!part || part.fieldname !== 'file') throw new DomainError('VALIDATION_FAILED', 'The multipart field "file" is missing (请上传附件).', { field: 'file' });
      const body = await part.toBuffer();
      if (part.file.truncated) throw new DomainError('PAYLOAD_TOO_LARGE', `The file is larger than ${ATTACHMENT_MAX_BYTES / 1024 / 1024} MB (附件过大).`);
      return reply.status(201).send(await attachments.add(actor, auditContextOf(request), request.params.id, { filename: part.filename, body }));
    });

    app.get('/share-requests/:id/attachments/:attachmentId', {
      schema: { tags, summary: 'Download an attachment', params: AttachmentParams, response: responses({ 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) }) },
    }, async (request, reply) => {
      const file = await attachments.get(actorOf(request), request.params.id, request.params.attachmentId);
      return reply.header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`).send(file.body);
    });

    app.get('/grants', {
      schema: { tags, summary: 'Grants my department holds (consumer) or gave (provider); the platform admin sees all', querystring: GrantListQuery, response: responses({ 200: GrantListResponse }) },
    }, async (request) => grants.list(actorOf(request), request.query));

    app.get('/grants/:id', {
      schema: { tags, summary: 'One grant', params: IdParams, response: responses({ 200: GrantSchema }) },
    }, async (request) => grants.get(actorOf(request), request.params.id));

    app.post('/grants/:id/revoke', {
      schema: { tags, summary: 'Revoke an active grant with a reason (provider admin or platform admin)', params: IdParams, body: RevokeBody, response: responses({ 200: GrantSchema }) },
    }, async (request) => grants.revoke(actorOf(request), auditContextOf(request), request.params.id, request.body.reason));

    app.post('/grants/:id/renewal', {
      schema: { tags, summary: 'Ask for a later validTo: a new request reviewed like the first (consumer department)', params: IdParams, body: RenewalBody, response: responses({ 201: Created }) },
    }, async (request, reply) => reply.status(201).send(await requests.requestRenewal(actorOf(request), auditContextOf(request), request.params.id, request.body)));

    app.post('/error-reports', {
      schema: { tags, summary: '数据纠错: report a data error in another department\'s published resource', body: CreateErrorReportBody, response: responses({ 201: Created }) },
    }, async (request, reply) => reply.status(201).send(await errorReports.create(actorOf(request), auditContextOf(request), request.body)));

    app.get('/error-reports', {
      schema: { tags, summary: 'Error reports my department made (reporter) or received (provider); the platform admin sees all', querystring: ErrorReportListQuery, response: responses({ 200: ErrorReportListResponse }) },
    }, async (request) => errorReports.list(actorOf(request), request.query));

    app.get('/error-reports/:id', {
      schema: { tags, summary: 'One error report with its history', params: IdParams, response: responses({ 200: ErrorReportDetailSchema }) },
    }, async (request) => errorReports.get(actorOf(request), request.params.id));

    app.post('/error-reports/:id/reply', {
      schema: { tags, summary: 'The provider admin\'s answer: confirmed, rejected (not an error) or corrected', params: IdParams, body: ReplyBody, response: responses({ 200: ErrorReportSchema }) },
    }, async (request) => errorReports.reply(actorOf(request), auditContextOf(request), request.params.id, request.body));

    app.get('/sharing/settings', {
      schema: { tags, summary: 'Review deadlines, second review, default daily quota', response: responses({ 200: SettingsSchema }) },
    }, async () => settings.get());

    app.put('/sharing/settings', {
      schema: { tags, summary: 'Change the sharing settings (platform admin)', body: SettingsSchema, response: responses({ 200: SettingsSchema }) },
    }, async (request) => settings.update(actorOf(request), auditContextOf(request), request.body));

    app.get('/sharing/calendar', {
      schema: { tags, summary: 'Holidays (法定节假日) and make-up working days (调休上班) of a year', querystring: CalendarQuery, response: responses({ 200: CalendarResponse }) },
    }, async (request) => settings.calendar(request.query.year));

    app.put('/sharing/calendar/:date', {
      schema: { tags, summary: 'Mark a date as a holiday or a make-up working day (platform admin)', params: DateParams, body: CalendarDayBody, response: responses({ 200: CalendarDaySchema }) },
    }, async (request) => settings.setDay(actorOf(request), auditContextOf(request), { date: request.params.date, ...request.body }));

    app.delete('/sharing/calendar/:date', {
      schema: { tags, summary: 'Back to an ordinary day (platform admin)', params: DateParams, response: responses({ 204: NoContent }) },
    }, async (request, reply) => {
      await settings.removeDay(actorOf(request), auditContextOf(request), request.params.date);
      return reply.status(204).send(null);
    });

    app.post('/sharing/jobs/run', {
      schema: { tags, summary: 'Run the deadline / expiry job now (platform or system admin); it also runs every 10 minutes', response: responses({ 200: JobOutcomeSchema }) },
    }, async (request) => sharing.runJobsAs(actorOf(request)));
  };
}
