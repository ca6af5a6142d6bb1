/**
 * Who reads which calls of the call log (调用日志): a department sees the calls on its own resources
 * (provider side) or the calls its applications made (consumer side), never a third department's;
 * the platform admin and the auditor (安全审计员) see every call.
 */
import type { Actor } from '../../identity/identity.policy.js';
import type { CallSide } from './calls.types.js';

export type { CallSide };
export type CallScope = { kind: 'all' } | { kind: 'department'; side: CallSide; orgId: string };

/** The rows the actor may read for the side asked for, or null when the actor may read none. */
export function callScopeFor(actor: Actor, side: CallSide): CallScope | null {
  if (actor.roles.includes('platform_admin') || actor.roles.includes('auditor')) return { kind: 'all' };
  if (actor.orgId !== null && (actor.roles.includes('dept_admin') || actor.roles.includes('dept_user'))) {
    return { kind: 'department', side, orgId: actor.orgId };
  }
  return null;
}
