import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyFlags, ConfigError, loadConfig } from './config.js';

describe('config', () => {
  it('has defaults that work for a newcomer: embedded database under ./data', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', demo: false, database: { kind: 'pglite', dataDir: path.resolve('./data') } });
    expect(config.security).toMatchObject({ sessionIdleMinutes: 30, lockoutThreshold: 5, lockoutMinutes: 10 });
    expect(config.audit.retentionDays).toBeGreaterThanOrEqual(180);
  });

  it('switches to PostgreSQL when DATABASE_URL is set', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).database).toEqual({ kind: 'postgres', url: 'postgres://u@h/db' });
  });

  it('lets flags win over the environment', () => {
    const { env, rest } = applyFlags(['serve', '--port', '9001', '--demo', '--data-dir=/tmp/x'], { PORT: '7000', GOVSHARE_DEMO: 'false' });
    expect(rest).toEqual(['serve']);
    const config = loadConfig(env);
    expect(config.port).toBe(9001);
    expect(config.demo).toBe(true);
    expect(config.database).toEqual({ kind: 'pglite', dataDir: '/tmp/x' });
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ PORT: '99999', GOVSHARE_DEMO: 'maybe', GOVSHARE_LOCKOUT_MINUTES: '5', DATABASE_URL: 'mysql://x' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toHaveLength(4);
    }
  });

  it('keeps local state beside the embedded database unless told otherwise, and checks the master key', () => {
    expect(loadConfig({ GOVSHARE_DATA_DIR: '/tmp/gs' }).stateDir).toBe('/tmp/gs');
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db', GOVSHARE_STATE_DIR: '/var/lib/gs' }).stateDir).toBe('/var/lib/gs');
    expect(loadConfig({ GOVSHARE_MASTER_KEY: '00112233445566778899AABBCCDDEEFF' }).masterKeyHex).toBe('00112233445566778899AABBCCDDEEFF');
    expect(() => loadConfig({ GOVSHARE_MASTER_KEY: 'short' })).toThrow(/GOVSHARE_MASTER_KEY/);
  });
});
