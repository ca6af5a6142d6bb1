export { createAppsService, newAppKey, toAppView, type AppsService, type AppView, type AppWithSecret, type AppCredentialsRecord, type GrantNarrowing } from './apps.service.js';
export { appsRoutes } from './apps.routes.js';
export { isMemberOf as isMemberOfDepartment } from './apps.policy.js';
