import type { Actor } from '../identity/identity.policy.js';
import type { Database } from '../../platform/db/database.js';
import { DomainError } from '../../platform/errors.js';
import { sharingRepository } from './sharing.repository.js';
import type { ViewContext } from './sharing-views.js';

/** Console paths the notifications link to. */
export const links = {
  request: (id: string) => `/sharing/requests/${id}`,
  grant: (id: string) => `/sharing/grants/${id}`,
  errorReport: (id: string) => `/sharing/error-reports/${id}`,
};

export const invalid = (field: string, message: string) => new DomainError('VALIDATION_FAILED', message, { field });

/** Appends one step to a request's or report's history, with the actor's department name as it is now. */
export async function recordSharingEvent(
  trx: Database, subject: { type: 'request' | 'error_report'; id: string }, action: string, actor: Actor | null, comment: string | null, at: Date,
): Promise<void> {
  const orgName = actor?.orgId ? (await sharingRepository(trx).orgNames([actor.orgId])).get(actor.orgId) ?? null : null;
  await sharingRepository(trx).insertEvent({
    subject_type: subject.type, subject_id: subject.id, action, actor_id: actor?.userId ?? null, actor_username: actor?.username ?? null,
    actor_org_name: orgName, comment, at,
  });
}

/** The clock, the calendar and the names of the departments the rows mention. */
export async function viewContextFor(db: Database, now: Date, orgIds: readonly string[]): Promise<ViewContext> {
  const repo = sharingRepository(db);
  return { now, calendar: await repo.calendar(), orgNames: await repo.orgNames(orgIds) };
}

/** yyyy-mm-dd that is a real calendar date. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export const isUniqueViolation = (e: unknown) => typeof e === 'object' && e !== null && (e as { code?: string }).code === '23505';
