export { createAppsService, newAppKey, toAppView, type AppsService, type AppCredentialsRecord } from './apps.service.js';
export type { AppView, AppWithSecret, GrantNarrowing } from './apps.types.js';
export { appsRoutes } from './apps.routes.js';
export { isMemberOf as isMemberOfDepartment } from './apps.policy.js';
