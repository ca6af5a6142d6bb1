import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body bytes exactly as sent (signed routes only): the signature covers them. */
    rawBody?: Buffer;
    /** Set when a JSON body did not parse; the route refuses it after the signature check, so it is logged. */
    bodyInvalid?: boolean;
  }
}

/**
 * For a plugin of signed routes (the data API, exchange node calls): keep the raw body for the signature
 * and parse JSON from it. A body that does not parse is not an error here (the call must still be
 * authenticated and logged); routes see `request.bodyInvalid`. With `keepOtherTypes`, any other content
 * type is kept raw too.
 */
export function registerRawBodyParsers(api: FastifyInstance, options: { keepOtherTypes?: boolean } = {}): void {
  api.removeContentTypeParser('application/json');
  api.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const raw = body as Buffer;
    request.rawBody = raw;
    if (raw.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(raw.toString('utf8')));
    } catch {
      request.bodyInvalid = true;
      done(null, undefined);
    }
  });
  if (!options.keepOtherTypes) return;
  api.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    done(null, undefined);
  });
}
