import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PublishedDataResource } from '../../catalog/index.js';
import type { GrantView } from '../../sharing/index.js';
import type { DataOperation } from '../data-services.tables.js';
import type { DataResourceKind } from '../resource-kinds.js';

/** Who is calling, under which grant, for which resource: established by `runDataCall` before a handler runs. */
export interface DataCallContext {
  app: { id: string; appKey: string; name: string; orgId: string };
  grant: GrantView;
  resource: PublishedDataResource & { kind: DataResourceKind };
}

/** What the handler reports for the call log. */
export interface DataCallOutcome {
  items: string[];
  rows: number;
}

export interface DataCallSpec {
  /** `<classification>/<sequence>` as in the URL. */
  resourceCode: string;
  operation: DataOperation;
  kind: DataResourceKind;
  /**
   * Optional checks that belong before the quota (ITEM_NOT_GRANTED, bad filters): they run after the grant is
   * found and may fill `outcome.items` so that a refusal is logged with the items asked for.
   */
  check?: (ctx: DataCallContext, outcome: DataCallOutcome) => void | Promise<void>;
}

/**
 * Authenticates the signed request, finds the resource and the caller's effective grant, consumes the
 * daily quota, runs `handle`, and writes the call log whatever happens (refusals included), rethrowing
 * errors for the error handler. `handle` fills `outcome` (items touched, rows returned).
 */
export type RunDataCall = <T>(
  request: FastifyRequest,
  reply: FastifyReply,
  spec: DataCallSpec,
  handle: (ctx: DataCallContext, outcome: DataCallOutcome) => Promise<T>,
) => Promise<T>;
