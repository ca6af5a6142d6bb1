import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNodeConfig } from './config.js';

const base = { platformUrl: 'https://gov.example/', dataDir: './data' };

describe('node config file', () => {
  it('substitutes ${VAR} from the environment and resolves directories against the file', () => {
    const c = parseNodeConfig({
      ...base, name: '前置机',
      sources: { hr: { type: 'postgres', url: 'postgres://gs:${PGPASS}@db/hr' } },
      targets: { files: { type: 'csv', dir: 'out' }, my: { type: 'mysql', url: 'mysql://root@127.0.0.1/t' } },
      transport: { type: 'mailbox', outbox: 'mb/out', inbox: 'mb/in' },
    }, { PGPASS: 's3cret' }, '/etc/govshare');
    expect(c.platformUrl).toBe('https://gov.example');
    expect(c.dataDir).toBe(path.resolve('/etc/govshare/data'));
    expect(c.sources.hr).toEqual({ type: 'postgres', url: 'postgres://gs:s3cret@db/hr' });
    expect(c.targets.files).toEqual({ type: 'csv', dir: '/etc/govshare/out' });
    expect(c.transport).toEqual({ type: 'mailbox', outbox: '/etc/govshare/mb/out', inbox: '/etc/govshare/mb/in' });
    expect(c.pollMs).toBe(10_000);
  });

  it('names the offending field', () => {
    expect(() => parseNodeConfig({ dataDir: 'x' })).toThrow('platformUrl is required');
    expect(() => parseNodeConfig({ ...base, sources: { a: { type: 'oracle', url: 'x' } } })).toThrow('sources.a.type must be one of postgres, mysql, csv');
    expect(() => parseNodeConfig({ ...base, sources: { a: { type: 'postgres', url: 'postgres://${NOPE}@h/d' } } }, {})).toThrow('sources.a.url: environment variable NOPE is not set');
    expect(() => parseNodeConfig({ ...base, targets: { b: { type: 'mysql', url: 'postgres://h/d' } } })).toThrow('targets.b.url must start with mysql://');
    expect(() => parseNodeConfig({ ...base, targets: { c: { type: 'csv' } } })).toThrow('targets.c.dir is required');
    expect(() => parseNodeConfig({ ...base, transport: { type: 'mailbox', outbox: 'o' } })).toThrow('transport.inbox is required');
    expect(() => parseNodeConfig({ ...base, pollMs: 5 })).toThrow('pollMs must be an integer');
    expect(() => parseNodeConfig({ ...base, extra: 1 })).toThrow('unknown field "extra"');
  });
});
