/**
 * Application (应用) views without server imports, shared with the console (web/ imports them as
 * `@shared/data-services/apps/apps.types`).
 */

/** An application as the console sees it; never the secret. */
export interface AppView {
  id: string;
  orgId: string;
  orgName: string;
  name: string;
  description: string | null;
  appKey: string;
  status: 'active' | 'disabled';
  createdAt: string;
  secretRotatedAt: string | null;
  disabledAt: string | null;
}

/** The only responses that carry the secret: creation and rotation. */
export interface AppWithSecret { id: string; appKey: string; appSecret: string; app: AppView }

/** A grant narrowed to one application (授权指定应用), as GET /apps/grant-narrowings lists it. */
export interface GrantNarrowing { grantId: string; appId: string; appName: string }
