import type { ReactNode } from 'react';
import { canAccess, type Area } from '../shared/access';
import { Forbidden } from '../shared/Forbidden';
import { useCurrentUser } from './AuthContext';

/** Renders the page only for roles allowed in `area`, else the 无权访问 result. */
export function RequireArea({ area, children }: { area: Area; children: ReactNode }) {
  const user = useCurrentUser();
  return canAccess(user.roles, area) ? <>{children}</> : <Forbidden />;
}
