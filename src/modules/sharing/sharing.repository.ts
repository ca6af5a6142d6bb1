import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Database } from '../../platform/db/database.js';
import type {
  SharingErrorReportsTable, SharingEventsTable, SharingGrantsTable, SharingRequestsTable,
} from '../../platform/db/schema.js';
import type { WorkingCalendar } from './working-days.js';
import type { SharingSettings } from './sharing.types.js';

export type RequestRow = Selectable<SharingRequestsTable>;
export type GrantRow = Selectable<SharingGrantsTable>;
export type ErrorReportRow = Selectable<SharingErrorReportsTable>;
export type EventRow = Selectable<SharingEventsTable>;

/** SQL of the sharing module; pass a transaction as `db` to write. */
export function sharingRepository(db: Database) {
  return {
    async settings(): Promise<SharingSettings> {
      const s = await db.selectFrom('sharing_settings').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
      return {
        reviewDeadlineDays: s.review_deadline_days, errorReportDeadlineDays: s.error_report_deadline_days,
        secondReviewEnabled: s.second_review_enabled, defaultDailyQuota: s.default_daily_quota,
      };
    },

    async saveSettings(s: SharingSettings, at: Date): Promise<void> {
      await db.updateTable('sharing_settings').set({
        review_deadline_days: s.reviewDeadlineDays, error_report_deadline_days: s.errorReportDeadlineDays,
        second_review_enabled: s.secondReviewEnabled, default_daily_quota: s.defaultDailyQuota, updated_at: at,
      }).where('id', '=', 1).execute();
    },

    async calendarDays(range?: { from: string; to: string }) {
      let q = db.selectFrom('sharing_calendar_days').select(['date', 'kind', 'name']).orderBy('date');
      if (range) q = q.where('date', '>=', range.from).where('date', '<=', range.to);
      return q.execute();
    },

    /** The whole calendar: a few dozen rows a year. */
    async calendar(): Promise<WorkingCalendar> {
      const days = await db.selectFrom('sharing_calendar_days').select(['date', 'kind']).execute();
      return {
        holidays: new Set(days.filter((d) => d.kind === 'holiday').map((d) => d.date)),
        makeUpWorkdays: new Set(days.filter((d) => d.kind === 'workday').map((d) => d.date)),
      };
    },

    async orgNames(ids: readonly string[]): Promise<Map<string, string>> {
      const unique = [...new Set(ids)];
      if (unique.length === 0) return new Map();
      const rows = await db.selectFrom('identity_orgs').select(['id', 'name']).where('id', 'in', unique).execute();
      return new Map(rows.map((r) => [r.id, r.name]));
    },

    async findRequest(id: string, forUpdate = false): Promise<RequestRow | undefined> {
      let q = db.selectFrom('sharing_requests').selectAll().where('id', '=', id);
      if (forUpdate) q = q.forUpdate();
      return q.executeTakeFirst();
    },

    async insertRequest(values: Insertable<SharingRequestsTable>): Promise<RequestRow> {
      return db.insertInto('sharing_requests').values(values).returningAll().executeTakeFirstOrThrow();
    },

    async updateRequest(id: string, patch: Updateable<SharingRequestsTable>): Promise<RequestRow> {
      return db.updateTable('sharing_requests').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    },

    async insertEvent(values: Insertable<SharingEventsTable>): Promise<void> {
      await db.insertInto('sharing_events').values(values).execute();
    },

    async events(subjectId: string): Promise<EventRow[]> {
      return db.selectFrom('sharing_events').selectAll().where('subject_id', '=', subjectId).orderBy('id').execute();
    },

    async attachmentsOf(requestId: string) {
      return db.selectFrom('sharing_attachments').select(['id', 'filename', 'size', 'sm3', 'created_at'])
        .where('request_id', '=', requestId).orderBy('created_at').execute();
    },

    async grantOfRequest(requestId: string): Promise<GrantRow | undefined> {
      return db.selectFrom('sharing_grants').selectAll().where('request_id', '=', requestId).executeTakeFirst();
    },

    async findGrant(id: string, forUpdate = false): Promise<GrantRow | undefined> {
      let q = db.selectFrom('sharing_grants').selectAll().where('id', '=', id);
      if (forUpdate) q = q.forUpdate();
      return q.executeTakeFirst();
    },

    async insertGrant(values: Insertable<SharingGrantsTable>): Promise<GrantRow> {
      return db.insertInto('sharing_grants').values(values).returningAll().executeTakeFirstOrThrow();
    },

    async updateGrant(id: string, patch: Updateable<SharingGrantsTable>): Promise<GrantRow> {
      return db.updateTable('sharing_grants').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    },

    async findErrorReport(id: string, forUpdate = false): Promise<ErrorReportRow | undefined> {
      let q = db.selectFrom('sharing_error_reports').selectAll().where('id', '=', id);
      if (forUpdate) q = q.forUpdate();
      return q.executeTakeFirst();
    },

    async insertErrorReport(values: Insertable<SharingErrorReportsTable>): Promise<ErrorReportRow> {
      return db.insertInto('sharing_error_reports').values(values).returningAll().executeTakeFirstOrThrow();
    },

    async updateErrorReport(id: string, patch: Updateable<SharingErrorReportsTable>): Promise<ErrorReportRow> {
      return db.updateTable('sharing_error_reports').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    },
  };
}
