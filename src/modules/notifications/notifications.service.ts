import { sql, type Expression, type SqlBool } from 'kysely';
import type { Actor, Role } from '../identity/identity.policy.js';
import type { Database } from '../../platform/db/database.js';
import { DomainError } from '../../platform/errors.js';
import type { NotificationView } from './notifications.types.js';

/**
 * Who a message is for: one user; a department (only the holders of `roles` in it, when given); or every
 * holder of `roles` on the platform (for example all platform admins).
 */
export type NotificationRecipient =
  | { userId: string }
  | { orgId: string; roles?: readonly Role[] }
  | { roles: readonly Role[] };

export interface NotificationInput {
  recipient: NotificationRecipient;
  /** A stable kind such as `share_request.created`; the console groups and styles by it. */
  kind: string;
  title: string;
  body: string;
  /** A console path, for example `/sharing/requests/<id>`. */
  link: string | null;
}

export type { NotificationView } from './notifications.types.js';

/**
 * Puts a message in the recipients' inbox. Call it with the transaction that makes the change, so the
 * message exists exactly when the change does.
 */
export async function notify(trx: Database, input: NotificationInput, at: Date = new Date()): Promise<void> {
  const r = input.recipient;
  await trx.insertInto('notifications').values({
    recipient_user_id: 'userId' in r ? r.userId : null,
    recipient_org_id: 'orgId' in r ? r.orgId : null,
    recipient_roles: 'roles' in r && r.roles ? JSON.stringify(r.roles) : null,
    kind: input.kind,
    title: input.title,
    body: input.body,
    link: input.link,
    created_at: at,
  }).execute();
}

/** The messages the actor may see: addressed to them, to their department for roles they hold, or to their roles. */
function visibleTo(actor: Actor): Expression<SqlBool> {
  const roles = actor.roles.length ? sql`array[${sql.join(actor.roles)}]::text[]` : sql`array[]::text[]`;
  const ownOrg = actor.orgId
    ? sql`(n.recipient_org_id = ${actor.orgId}::uuid and (n.recipient_roles is null or n.recipient_roles ?| ${roles}))`
    : sql`false`;
  return sql<SqlBool>`(n.recipient_user_id = ${actor.userId}::uuid or ${ownOrg}
    or (n.recipient_user_id is null and n.recipient_org_id is null and n.recipient_roles ?| ${roles}))`;
}

export function createNotificationsService(deps: { db: Database; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const { db } = deps;

  const visible = (actor: Actor) => db.selectFrom('notifications as n')
    .leftJoin('notifications_reads as r', (j) => j.onRef('r.notification_id', '=', 'n.id').on('r.user_id', '=', actor.userId))
    .where(visibleTo(actor));

  return {
    async list(actor: Actor, filter: { unread?: boolean; limit?: number; offset?: number }): Promise<{ items: NotificationView[]; total: number; unread: number }> {
      const counts = await visible(actor)
        .select([sql<number>`count(*)::int`.as('total'), sql<number>`count(*) filter (where r.user_id is null)::int`.as('unread')])
        .executeTakeFirstOrThrow();
      let query = visible(actor).select(['n.id', 'n.kind', 'n.title', 'n.body', 'n.link', 'n.created_at', 'r.read_at']);
      if (filter.unread) query = query.where('r.user_id', 'is', null);
      const rows = await query.orderBy('n.created_at', 'desc').orderBy('n.id').limit(filter.limit ?? 50).offset(filter.offset ?? 0).execute();
      return {
        items: rows.map((n) => ({
          id: n.id, kind: n.kind, title: n.title, body: n.body, link: n.link, createdAt: new Date(n.created_at).toISOString(), read: n.read_at !== null,
        })),
        total: filter.unread ? counts.unread : counts.total,
        unread: counts.unread,
      };
    },

    async markRead(actor: Actor, id: string): Promise<void> {
      const found = await visible(actor).select('n.id').where('n.id', '=', id).executeTakeFirst();
      if (!found) throw new DomainError('NOTIFICATION_NOT_FOUND', `Message ${id} does not exist (消息不存在).`);
      await db.insertInto('notifications_reads').values({ notification_id: id, user_id: actor.userId, read_at: now() })
        .onConflict((oc) => oc.columns(['notification_id', 'user_id']).doNothing()).execute();
    },

    async markAllRead(actor: Actor): Promise<void> {
      const unread = await visible(actor).select('n.id').where('r.user_id', 'is', null).execute();
      if (unread.length === 0) return;
      await db.insertInto('notifications_reads').values(unread.map((n) => ({ notification_id: n.id, user_id: actor.userId, read_at: now() })))
        .onConflict((oc) => oc.columns(['notification_id', 'user_id']).doNothing()).execute();
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
