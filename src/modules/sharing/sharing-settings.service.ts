import { recordAuditEvent, type AuditContext } from '../audit/index.js';
import type { Actor } from '../identity/identity.policy.js';
import type { Database } from '../../platform/db/database.js';
import { forbidden } from '../../platform/errors.js';
import { canEditSharingSettings } from './sharing.policy.js';
import { sharingRepository } from './sharing.repository.js';
import { invalid, isCalendarDate } from './sharing-support.js';
import type { SharingSettings } from './sharing.types.js';

export interface CalendarDay {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
}

const editDenied = () => forbidden('Only the platform admin changes the sharing settings and calendar (只有平台管理员可以修改共享设置和工作日历).');

/** Review settings and the working-day calendar (法定节假日, 调休上班日): everyone reads, the platform admin edits. */
export function createSharingSettingsService(deps: { db: Database; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const { db } = deps;

  return {
    get: (): Promise<SharingSettings> => sharingRepository(db).settings(),

    async update(actor: Actor, ctx: AuditContext, next: SharingSettings): Promise<SharingSettings> {
      if (!canEditSharingSettings(actor)) throw editDenied();
      return db.transaction().execute(async (trx) => {
        const repo = sharingRepository(trx);
        const before = await repo.settings();
        await repo.saveSettings(next, now());
        await recordAuditEvent(trx, ctx, { action: 'sharing.settings_updated', targetType: 'sharing_settings', detail: { before, after: next } }, now());
        return repo.settings();
      });
    },

    async calendar(year: number): Promise<{ items: CalendarDay[] }> {
      return { items: await sharingRepository(db).calendarDays({ from: `${year}-01-01`, to: `${year}-12-31` }) };
    },

    async setDay(actor: Actor, ctx: AuditContext, day: CalendarDay): Promise<CalendarDay> {
      if (!canEditSharingSettings(actor)) throw editDenied();
      if (!isCalendarDate(day.date)) throw invalid('date', 'date: not a date yyyy-mm-dd (日期格式不正确).');
      const name = day.name.trim();
      if (!name) throw invalid('name', 'name: required, for example 国庆节 or 国庆调休 (请填写名称).');
      return db.transaction().execute(async (trx) => {
        await trx.insertInto('sharing_calendar_days').values({ date: day.date, kind: day.kind, name })
          .onConflict((oc) => oc.column('date').doUpdateSet({ kind: day.kind, name })).execute();
        await recordAuditEvent(trx, ctx, { action: 'sharing.calendar_updated', targetType: 'sharing_calendar', targetId: day.date, detail: { kind: day.kind, name } }, now());
        return { date: day.date, kind: day.kind, name };
      });
    },

    async removeDay(actor: Actor, ctx: AuditContext, date: string): Promise<void> {
      if (!canEditSharingSettings(actor)) throw editDenied();
      await db.transaction().execute(async (trx) => {
        const removed = await trx.deleteFrom('sharing_calendar_days').where('date', '=', date).executeTakeFirst();
        if (Number(removed.numDeletedRows) > 0) {
          await recordAuditEvent(trx, ctx, { action: 'sharing.calendar_updated', targetType: 'sharing_calendar', targetId: date, detail: { removed: true } }, now());
        }
      });
    },
  };
}

export type SharingSettingsService = ReturnType<typeof createSharingSettingsService>;
