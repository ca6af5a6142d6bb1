import { canonicalJson } from '../../platform/crypto/canonical-json.js';
import { sm3Hex } from '../../platform/crypto/sm3.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedFields {
  id: number;
  at: Date;
  actorId: string | null;
  actorUsername: string | null;
  actorOrgId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  detail: Record<string, unknown>;
  ip: string | null;
}

/** SM3 over the previous hash and the canonical event: editing, inserting or deleting a row breaks the chain. */
export function chainHash(prevHash: string, event: ChainedFields): string {
  return sm3Hex(`${prevHash}\n${canonicalJson({ ...event, at: event.at.toISOString() })}`);
}
