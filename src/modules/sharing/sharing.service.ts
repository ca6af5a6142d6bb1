import type { Actor } from '../identity/identity.policy.js';
import type { Database } from '../../platform/db/database.js';
import { forbidden } from '../../platform/errors.js';
import { createErrorReportsService } from './error-reports.service.js';
import { createGrantsService } from './grants.service.js';
import { createShareAttachmentsService } from './share-attachments.service.js';
import { createShareRequestsService } from './share-requests.service.js';
import { runSharingJobs } from './sharing-jobs.js';
import { canRunSharingJobs } from './sharing.policy.js';
import { createSharingSettingsService } from './sharing-settings.service.js';
import type { JobOutcome } from './sharing.types.js';

/** The sharing module's services, by use case. */
export function createSharingService(deps: { db: Database; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  return {
    requests: createShareRequestsService({ db: deps.db, now }),
    attachments: createShareAttachmentsService({ db: deps.db, now }),
    grants: createGrantsService({ db: deps.db, now }),
    errorReports: createErrorReportsService({ db: deps.db, now }),
    settings: createSharingSettingsService({ db: deps.db, now }),
    /** The deadline / expiry job; the server runs it every 10 minutes. */
    runJobs: (): Promise<JobOutcome> => runSharingJobs(deps.db, now()),
    async runJobsAs(actor: Actor): Promise<JobOutcome> {
      if (!canRunSharingJobs(actor)) throw forbidden('Only the platform or system admin may run the sharing job (无权执行).');
      return runSharingJobs(deps.db, now());
    },
  };
}

export type SharingService = ReturnType<typeof createSharingService>;
