import { Type } from '@sinclair/typebox';
import { PROXY_TIMEOUT_MAX_MS, PROXY_TIMEOUT_MIN_MS } from './proxy.service.js';

const Method = Type.Union([Type.Literal('GET'), Type.Literal('POST')], { description: 'how the platform calls the upstream' });

export const ProxyEndpointSchema = Type.Object({
  url: Type.String(), method: Method, timeoutMs: Type.Integer(),
  headerNames: Type.Array(Type.String(), { description: 'names of the registered headers; values are sealed and never returned' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const ProxyEndpointBody = Type.Object({
  url: Type.String({ minLength: 1, maxLength: 2000, description: 'http or https URL of the upstream' }),
  method: Method,
  timeoutMs: Type.Integer({ minimum: PROXY_TIMEOUT_MIN_MS, maximum: PROXY_TIMEOUT_MAX_MS }),
  headers: Type.Optional(Type.Record(Type.String(), Type.String(), {
    description: 'headers sent upstream (an access token, say); replaces the registered ones; omitted: they stay',
  })),
});

/** Plain strings, so a malformed code still reaches the data-call wrapper and is written to the call log. */
export const ProxyParams = Type.Object({ classification: Type.String({ maxLength: 64 }), sequence: Type.String({ maxLength: 64 }) });

export const ProxyResponse = Type.Unknown({ description: 'the upstream JSON, cut to the granted items and masked' });
