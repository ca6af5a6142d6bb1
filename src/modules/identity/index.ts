export { createAuthService, type AuthService, type Authenticated, type SessionUser } from './auth.service.js';
export { createUsersService, createUserUnchecked, type UsersService, type UserView } from './users.service.js';
export { createOrgsService, createOrgUnchecked, levelOfRegion, type OrgsService, type OrgView } from './orgs.service.js';
export { authRoutes, SESSION_COOKIE } from './auth.routes.js';
export { usersRoutes } from './users.routes.js';
export { orgsRoutes } from './orgs.routes.js';
export { identityRepository } from './identity.repository.js';
export * from './identity.policy.js';
export { ensureBootstrapAdmin } from './bootstrap.js';
