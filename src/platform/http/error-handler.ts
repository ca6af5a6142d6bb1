import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainError, httpStatusFor } from '../errors.js';

/** The one place where errors become HTTP responses. 5xx bodies are generic; details go to the log. */
export function registerErrorHandler(app: FastifyInstance, onForbidden?: (request: import('fastify').FastifyRequest, error: DomainError) => Promise<void>): void {
  app.setErrorHandler(async (error: FastifyError | DomainError, request, reply) => {
    if (error instanceof DomainError) {
      if (error.code === 'FORBIDDEN' && onForbidden) {
        await onForbidden(request, error).catch((e) => request.log.error({ err: e }, 'could not audit a denied request'));
      }
      return reply.status(httpStatusFor(error.code)).send({ ...error.extra, code: error.code, message: error.message });
    }
    if (error.validation) {
      return reply.status(400).send({ code: 'VALIDATION_FAILED', message: `Invalid request: ${error.message}.` });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
      return reply.status(413).send({ code: 'PAYLOAD_TOO_LARGE', message: 'The request body is larger than allowed.' });
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.status(415).send({ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported Content-Type.' });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send({ code: error.statusCode === 404 ? 'NOT_FOUND' : 'VALIDATION_FAILED', message: error.message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ code: 'INTERNAL', message: `Internal error; it has been logged (reference ${request.id}).` });
  });
}
