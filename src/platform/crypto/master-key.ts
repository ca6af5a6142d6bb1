import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MASTER_KEY_BYTES } from './sealed-box.js';

/**
 * The platform's master key (seals app secrets and upstream credentials). From GOVSHARE_MASTER_KEY when
 * set (32 hex characters); otherwise `master.key` in the state directory, created on first start with
 * mode 0600. Losing it makes the sealed secrets unreadable: back it up with the database.
 */
export function loadOrCreateMasterKey(configured: string | undefined, stateDir: string): Buffer {
  if (configured) return Buffer.from(configured, 'hex');
  const file = path.join(stateDir, 'master.key');
  if (existsSync(file)) {
    const hex = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`${file} does not hold a 32-hex-character key`);
    return Buffer.from(hex, 'hex');
  }
  mkdirSync(stateDir, { recursive: true });
  const key = randomBytes(MASTER_KEY_BYTES);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}
