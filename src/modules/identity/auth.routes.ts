import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditContextOf, requireAuth } from '../../platform/http/request-context.js';
import { NoContent, responses } from '../../platform/http/schemas.js';
import type { AuthService } from './auth.service.js';
import { ChangePasswordBody, LoginBody, LoginResponse, MeResponse } from './identity.schemas.js';

export const SESSION_COOKIE = 'govshare_session';

export function authRoutes(deps: { auth: AuthService; secureCookies: boolean }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/auth/login', {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; sets the console session cookie and returns a bearer token',
        body: LoginBody,
        response: responses({ 200: LoginResponse }),
      },
    }, async (request, reply) => {
      const result = await deps.auth.login(request.body, { ip: request.ip, userAgent: request.headers['user-agent'] ?? null });
      reply.setCookie(SESSION_COOKIE, result.token, { path: '/', httpOnly: true, sameSite: 'strict', secure: deps.secureCookies });
      return result;
    });

    app.get('/auth/me', {
      config: { allowPendingPasswordChange: true },
      schema: { tags: ['auth'], summary: 'The signed-in user and the CSRF token for console requests', response: responses({ 200: MeResponse }) },
    }, async (request) => {
      const auth = requireAuth(request);
      return { user: auth.user, csrfToken: auth.csrfToken };
    });

    app.post('/auth/logout', {
      config: { allowPendingPasswordChange: true },
      schema: { tags: ['auth'], summary: 'Sign out', response: responses({ 204: NoContent }) },
    }, async (request, reply) => {
      await deps.auth.logout(requireAuth(request), auditContextOf(request));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    });

    app.post('/auth/password', {
      config: { allowPendingPasswordChange: true },
      schema: {
        tags: ['auth'],
        summary: 'Change the own password (≥ 8 characters, 3 of 4 classes)',
        body: ChangePasswordBody,
        response: responses({ 204: NoContent }),
      },
    }, async (request, reply) => {
      await deps.auth.changePassword(requireAuth(request), auditContextOf(request), request.body);
      return reply.status(204).send(null);
    });
  };
}
