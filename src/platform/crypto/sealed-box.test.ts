import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateMasterKey } from './master-key.js';
import { sealedBox } from './sealed-box.js';

const key = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

describe('sealed box (SM4-CBC + HMAC-SM3)', () => {
  it('opens what it sealed, with a fresh IV each time', () => {
    const box = sealedBox(key);
    const a = box.seal('app secret 应用密钥');
    const b = box.seal('app secret 应用密钥');
    expect(a).not.toBe(b);
    expect(a).not.toContain('secret');
    expect(box.open(a)).toBe('app secret 应用密钥');
  });

  it('refuses a tampered value and the wrong key', () => {
    const sealed = sealedBox(key).seal('s3cret');
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[20] = raw[20]! ^ 1;
    expect(() => sealedBox(key).open(`v1.${raw.toString('base64url')}`)).toThrow(/integrity/);
    expect(() => sealedBox(Buffer.alloc(16, 7)).open(sealed)).toThrow(/integrity/);
    expect(() => sealedBox(key).open('v0.abc')).toThrow(/format/);
  });

  it('needs a 16-byte key', () => {
    expect(() => sealedBox(Buffer.alloc(8))).toThrow(/16 bytes/);
  });
});

describe('master key', () => {
  it('is created once in the state directory with mode 0600 and read back after', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'govshare-key-'));
    const first = loadOrCreateMasterKey(undefined, dir);
    const file = path.join(dir, 'master.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.toString('hex'));
    expect(loadOrCreateMasterKey(undefined, dir).equals(first)).toBe(true);
  });

  it('prefers the configured key', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'govshare-key-'));
    expect(loadOrCreateMasterKey('00112233445566778899aabbccddeeff', dir).equals(key)).toBe(true);
  });
});
