import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { recordAuditEvent, verifyAuditChain } from './index.js';

let t: TestApp | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

/** Simulates a DBA editing the table behind the application's back. */
async function tamper(app: TestApp, statement: ReturnType<typeof sql>) {
  await sql`alter table audit_events disable trigger user`.execute(app.db);
  await statement.execute(app.db);
  await sql`alter table audit_events enable trigger user`.execute(app.db);
}

describe('audit trail access', () => {
  it('is readable by the auditor only', async () => {
    t = await createTestApp();
    const auditor = await t.login('auditor');
    const res = await t.call(auditor, 'GET', '/api/v1/audit?limit=5');
    expect(res.statusCode).toBe(200);
    expect(res.json().total).toBeGreaterThan(20);
    expect(res.json().items[0]).toMatchObject({ action: 'auth.login', actor: 'auditor', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    for (const who of ['secadmin', 'sysadmin', 'platform', 'gaj_admin', 'gaj_user']) {
      const token = await t.login(who);
      expect((await t.call(token, 'GET', '/api/v1/audit')).statusCode, who).toBe(403);
      expect((await t.call(token, 'GET', '/api/v1/audit/export?format=csv')).statusCode, who).toBe(403);
      expect((await t.call(token, 'GET', '/api/v1/audit/verify')).statusCode, who).toBe(403);
    }
  });

  it('names every audited action in Chinese, for the auditor', async () => {
    t = await createTestApp();
    const res = await t.call(await t.login('auditor'), 'GET', '/api/v1/audit/actions');
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual(expect.arrayContaining([{ action: 'auth.locked', label: '账号锁定' }]));
    expect((await t.call(await t.login('gaj_admin'), 'GET', '/api/v1/audit/actions')).statusCode).toBe(403);
  });

  it('has no API that writes or deletes events', async () => {
    t = await createTestApp();
    const auditor = await t.login('auditor');
    expect((await t.call(auditor, 'POST', '/api/v1/audit', { action: 'forged' })).statusCode).toBe(404);
    expect((await t.call(auditor, 'DELETE', '/api/v1/audit/1')).statusCode).toBe(404);
    expect((await t.call(auditor, 'PATCH', '/api/v1/audit/1', {})).statusCode).toBe(404);
  });

  it('filters by action, actor and keyword', async () => {
    t = await createTestApp();
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'gaj_user', password: 'Wrong#2026x' } });
    const auditor = await t.login('auditor');
    const failed = (await t.call(auditor, 'GET', '/api/v1/audit?action=auth.login_failed')).json();
    expect(failed.total).toBe(1);
    expect(failed.items[0]).toMatchObject({ actor: 'gaj_user', detail: { reason: 'wrong_password' } });
    expect((await t.call(auditor, 'GET', '/api/v1/audit?actor=auditor')).json().items.every((e: { actor: string }) => e.actor === 'auditor')).toBe(true);
    expect((await t.call(auditor, 'GET', `/api/v1/audit?q=${encodeURIComponent('珠海市公安局')}`)).json().total).toBeGreaterThan(0);
  });

  it('exports CSV and XLSX, and records the export', async () => {
    t = await createTestApp();
    const auditor = await t.login('auditor');
    const csv = await t.call(auditor, 'GET', '/api/v1/audit/export?format=csv&action=user.created');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="audit-\d+\.csv"/);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('编号,时间,操作人,操作,对象,详情,IP,哈希');
    expect(lines).toHaveLength(1 + 8); // the eight demo accounts

    const xlsx = await t.call(auditor, 'GET', '/api/v1/audit/export?format=xlsx');
    expect(xlsx.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('审计日志')!;
    expect(sheet.getRow(1).getCell(4).value).toBe('操作');
    expect(sheet.rowCount).toBeGreaterThan(20);
    expect((await t.call(auditor, 'GET', '/api/v1/audit?action=audit.exported')).json().total).toBe(2);
  });
});

describe('tamper evidence', () => {
  it('verifies an untouched chain', async () => {
    t = await createTestApp();
    const res = await t.call(await t.login('auditor'), 'GET', '/api/v1/audit/verify');
    expect(res.json()).toMatchObject({ ok: true, firstBroken: null });
    expect(res.json().checked).toBeGreaterThan(20);
  });

  it('names an edited row', async () => {
    t = await createTestApp();
    await tamper(t, sql`update audit_events set detail = '{"username":"someone-else"}' where id = 5`);
    const result = await verifyAuditChain(t.db);
    expect(result.ok).toBe(false);
    expect(result.firstBroken).toMatchObject({ id: 5, reason: expect.stringMatching(/changed/) });
    expect(result.checked).toBe(4);
  });

  it('names the gap left by a deleted row', async () => {
    t = await createTestApp();
    await tamper(t, sql`delete from audit_events where id = 7`);
    expect((await verifyAuditChain(t.db)).firstBroken).toMatchObject({ id: 8, reason: expect.stringMatching(/event 7 missing/) });
  });

  it('names an inserted row even when its own hash is recomputed', async () => {
    t = await createTestApp();
    // Shift later rows up and slip a forged event in: the next row's prev_hash no longer links.
    await tamper(t, sql`update audit_events set id = id + 1000 where id > 10`);
    await tamper(t, sql`insert into audit_events (id, at, action, detail, prev_hash, hash)
      select 11, now(), 'user.created', '{}'::jsonb, hash, repeat('a', 64) from audit_events where id = 10`);
    const result = await verifyAuditChain(t.db);
    expect(result.firstBroken?.id).toBe(11);
  });

  it('refuses UPDATE, DELETE and TRUNCATE at the database', async () => {
    t = await createTestApp();
    await expect(sql`update audit_events set action = 'x' where id = 1`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_events where id = 1`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_events`.execute(t.db)).rejects.toThrow(/append-only/);
  });

  it('writes the event in the same transaction as the change: a rolled-back change leaves no event', async () => {
    t = await createTestApp();
    const before = await t.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    await expect(t.db.transaction().execute(async (trx) => {
      await recordAuditEvent(trx, { actor: null, ip: null }, { action: 'org.updated', targetType: 'org', targetId: 'x' });
      throw new Error('the change failed');
    })).rejects.toThrow('the change failed');
    const after = await t.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('keeps the chain intact under concurrent writers', async () => {
    t = await createTestApp();
    await Promise.all(['gaj_user', 'gaj_admin', 'scj_user', 'scj_admin', 'platform', 'sysadmin'].map((u) => t!.login(u)));
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });
});

describe('retention', () => {
  it('prunes only what is older than the retention period and stays verifiable', async () => {
    let ms = Date.now();
    t = await createTestApp({ now: () => new Date(ms), config: (c) => ({ ...c, audit: { retentionDays: 200 } }) });
    const demoEvents = Number((await t.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    ms += 100 * 86_400_000;
    await t.login('gaj_user'); // recent: must survive
    expect(await t.app.services.audit.prune({ actor: null, ip: null })).toBe(0);
    ms += 150 * 86_400_000; // demo events are now 250 days old, the login 150
    expect(await t.app.services.audit.prune({ actor: null, ip: null })).toBe(demoEvents);
    const remaining = await t.db.selectFrom('audit_events').select('action').orderBy('id').execute();
    expect(remaining.map((r) => r.action)).toEqual(['auth.login', 'audit.pruned']);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, checked: 2 });
  });

  it('never keeps less than 180 days, whatever the setting', async () => {
    let ms = Date.now();
    t = await createTestApp({ now: () => new Date(ms), config: (c) => ({ ...c, audit: { retentionDays: 30 } }) });
    ms += 100 * 86_400_000;
    expect(await t.app.services.audit.prune({ actor: null, ip: null })).toBe(0);
  });
});
