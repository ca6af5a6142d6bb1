export { createSharingService, type SharingService } from './sharing.service.js';
export { sharingRoutes } from './sharing.routes.js';
export { findEffectiveGrant } from './grants.service.js';
export { runSharingJobs } from './sharing-jobs.js';
export { maskRecord, maskValue, MASKING_KINDS, MASKING_LABELS, type MaskingKind } from './masking.js';
export type { GrantView, ShareRequestView, ErrorReportView, SharingSettings, JobOutcome } from './sharing.types.js';
