import type { Migration } from 'kysely';
import * as identity from './2026_11_21_001_identity.js';
import * as audit from './2026_11_21_002_audit.js';

/**
 * Every migration, in order. Append-only: never edit or reorder one that has shipped; add a new file
 * and list it here.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_21_001_identity': identity,
  '2026_11_21_002_audit': audit,
};
