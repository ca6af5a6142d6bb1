import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.js';

let t: TestApp;
let gaj: string;
let scj: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  gaj = await t.orgIdByName('珠海市公安局');
  scj = await t.orgIdByName('珠海市市场监督管理局');
  for (const u of ['gaj_admin', 'gaj_user', 'scj_admin', 'scj_user', 'platform', 'secadmin']) tokens[u] = await t.login(u);
});
afterAll(async () => { await t?.close(); });

let seq = 0;
/** A catalog resource row of a department (the catalog module's own service is not needed here). */
async function catalogResource(orgId: string, name: string): Promise<{ id: string; code: string }> {
  seq++;
  const code = `101000000/${String(900000 + seq).padStart(6, '0')}`;
  const row = await sql<{ id: string }>`
    insert into catalog_resources (code, provider_org_id, category_id, status, name)
    values (${code}, ${orgId}, (select id from catalog_categories where code = '101'), 'draft', ${name})
    returning id`.execute(t.db);
  return { id: row.rows[0]!.id, code };
}

const base = { status: '运行', network: '电子政务外网', frequency: '每日' } as const;
/** A system that no zombie rule matches unless the test says otherwise. */
const healthy = { ...base, userCount: 200, omBudget: 35.5, omBudgetSource: '市级财政预算', providedTo: '人口基础信息 / 市政数局 / 前置机数据交换' };

async function create(token: string, body: Record<string, unknown>) {
  return t.call(token, 'POST', '/api/v1/census/systems', body);
}
const codesOf = (system: { zombie: { reasons: { code: string }[] } }) => system.zombie.reasons.map((r) => r.code);
const auditActions = async (targetId: string) =>
  (await t.db.selectFrom('audit_events').select('action').where('target_id', '=', targetId).orderBy('id').execute()).map((r) => r.action);

describe('census systems', () => {
  it('lets a department admin register a system with the annex answers and audits it', async () => {
    const res = await create(tokens.gaj_admin!, {
      ...healthy, name: '人口信息管理系统', kind: '自建', functionDesc: '全市户籍人口登记、迁移、注销', classified: false,
      securityLevel: '第三级', canConnect: true, connectMethod: '直接连接', accessAddress: '10.1.2.3', usageScope: '纵向到基层',
      ownerDivision: '科技信息化科', ownerName: '王工', ownerPhone: '0756-1234567', approver: '市发展改革局', approvalDate: '2016-05-10',
      builder: '某科技有限公司', buildDate: '2017-01-01', buildBudget: 320, buildBudgetSource: '市级财政预算', omUnit: '某科技有限公司',
    });
    expect(res.statusCode).toBe(201);
    const system = res.json();
    expect(system).toMatchObject({ orgId: gaj, orgName: '珠海市公安局', name: '人口信息管理系统', buildBudget: 320, omBudget: 35.5, approvalDate: '2016-05-10', resources: [] });
    expect(system.zombie).toEqual({ isZombie: false, reasons: [] });
    expect(await auditActions(system.id)).toEqual(['census.system_created']);

    const read = await t.call(tokens.gaj_user!, 'GET', `/api/v1/census/systems/${system.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json().functionDesc).toBe('全市户籍人口登记、迁移、注销');
  });

  it('flags a system as a zombie when it is stopped, and audits the change', async () => {
    const system = (await create(tokens.gaj_admin!, { ...healthy, name: '旧版出入境预约系统' })).json();
    const res = await t.call(tokens.gaj_admin!, 'PATCH', `/api/v1/census/systems/${system.id}`, { status: '停止' });
    expect(res.statusCode).toBe(200);
    expect(res.json().zombie.isZombie).toBe(true);
    expect(codesOf(res.json())).toEqual(['stopped']);
    const [event] = await t.db.selectFrom('audit_events').select(['detail']).where('target_id', '=', system.id).where('action', '=', 'census.system_updated').execute();
    expect(event!.detail).toMatchObject({ changes: { status: { from: '运行', to: '停止' } } });
  });

  it('computes the rarely used, not connected and unmaintained flags from the answers', async () => {
    const res = await create(tokens.gaj_admin!, { ...base, name: '档案扫描系统', frequency: '按需', userCount: 3 });
    expect(codesOf(res.json())).toEqual(['rarely_used', 'not_connected', 'unmaintained']);
    expect(res.json().zombie.reasons[0].detail).toContain('按需');
  });

  it('requires a reason for the manual flag and the annex cross-field answers', async () => {
    const manual = await create(tokens.gaj_admin!, { ...healthy, name: '手工标记系统', manualZombie: true });
    expect(manual.statusCode).toBe(400);
    expect(manual.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'manualZombieReason' });
    const connect = await create(tokens.gaj_admin!, { ...healthy, name: '连接方式系统', canConnect: true });
    expect(connect.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'connectMethod' });
    const noReason = await create(tokens.gaj_admin!, { ...healthy, name: '不可连接系统', canConnect: false });
    expect(noReason.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'noConnectReason' });
    const badStatus = await create(tokens.gaj_admin!, { ...healthy, name: '状态错误系统', status: '在用' });
    expect(badStatus.statusCode).toBe(400);

    const ok = await create(tokens.gaj_admin!, { ...healthy, name: '被替代的查询系统', manualZombie: true, manualZombieReason: '功能已被一网通办平台替代' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().zombie.reasons).toEqual([{ code: 'manual', label: '人工标记', detail: '功能已被一网通办平台替代' }]);
  });

  it('keeps explicit nulls as nulls (不固定, not answered) and zero as zero', async () => {
    const res = await create(tokens.gaj_admin!, {
      ...healthy, name: '空值系统', userCount: null, canConnect: null, websiteIntensive: null, usageScope: null, approvalDate: null, remarks: null,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ userCount: null, canConnect: null, websiteIntensive: null, usageScope: null, approvalDate: null, remarks: null });
    const zero = await t.call(tokens.gaj_admin!, 'PATCH', `/api/v1/census/systems/${res.json().id}`, { userCount: 0, omBudget: 0, canConnect: false, noConnectReason: '涉密专网' });
    expect(zero.json()).toMatchObject({ userCount: 0, omBudget: 0, canConnect: false });
    expect(codesOf(zero.json())).toEqual(['rarely_used', 'unmaintained']);
  });

  it('refuses a second system of the same name in one department, but not in another', async () => {
    expect((await create(tokens.gaj_admin!, { ...healthy, name: '办公自动化系统' })).statusCode).toBe(201);
    const again = await create(tokens.gaj_admin!, { ...healthy, name: '办公自动化系统' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('CENSUS_SYSTEM_DUPLICATE');
    expect((await create(tokens.scj_admin!, { ...healthy, name: '办公自动化系统' })).statusCode).toBe(201);
  });

  it('lists with filters: status, zombie only and keyword', async () => {
    await create(tokens.scj_admin!, { ...healthy, name: '市场主体登记系统', functionDesc: '企业登记注册' });
    await create(tokens.scj_admin!, { ...healthy, name: '停用的广告监测系统', status: '停止' });
    const all = (await t.call(tokens.scj_admin!, 'GET', '/api/v1/census/systems')).json();
    expect(all.items.every((s: { orgId: string }) => s.orgId === scj)).toBe(true);
    const stopped = (await t.call(tokens.scj_admin!, 'GET', '/api/v1/census/systems?status=停止')).json();
    expect(stopped.items.map((s: { name: string }) => s.name)).toEqual(['停用的广告监测系统']);
    const zombies = (await t.call(tokens.scj_admin!, 'GET', '/api/v1/census/systems?zombieOnly=true')).json();
    expect(zombies.items.map((s: { name: string }) => s.name)).toEqual(['停用的广告监测系统']);
    const byKeyword = (await t.call(tokens.scj_admin!, 'GET', `/api/v1/census/systems?q=${encodeURIComponent('登记注册')}`)).json();
    expect(byKeyword.items.map((s: { name: string }) => s.name)).toEqual(['市场主体登记系统']);
  });

  it('deletes a system and audits it', async () => {
    const system = (await create(tokens.gaj_admin!, { ...healthy, name: '待删除系统' })).json();
    expect((await t.call(tokens.gaj_admin!, 'DELETE', `/api/v1/census/systems/${system.id}`)).statusCode).toBe(204);
    const gone = await t.call(tokens.gaj_admin!, 'GET', `/api/v1/census/systems/${system.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe('CENSUS_SYSTEM_NOT_FOUND');
    expect(await auditActions(system.id)).toEqual(['census.system_created', 'census.system_deleted']);
  });
});

describe('census access', () => {
  let victim: { id: string };
  beforeAll(async () => {
    victim = (await create(tokens.gaj_admin!, { ...healthy, name: '警务综合平台' })).json();
  });

  it('refuses another department admin everything on the system, with 403, and audits the refusal', async () => {
    const attacker = tokens.scj_admin!;
    const attempts = [
      await t.call(attacker, 'GET', `/api/v1/census/systems/${victim.id}`),
      await t.call(attacker, 'PATCH', `/api/v1/census/systems/${victim.id}`, { status: '停止' }),
      await t.call(attacker, 'DELETE', `/api/v1/census/systems/${victim.id}`),
      await t.call(attacker, 'POST', `/api/v1/census/systems/${victim.id}/resources`, { resourceCode: '101000000/000001' }),
      await t.call(attacker, 'GET', `/api/v1/census/systems?orgId=${gaj}`),
      await t.call(attacker, 'GET', `/api/v1/census/candidates?orgId=${gaj}`),
      await t.call(attacker, 'GET', `/api/v1/census/export?orgId=${gaj}`),
      await t.call(attacker, 'POST', '/api/v1/census/systems', { ...healthy, orgId: gaj, name: '冒名系统' }),
    ];
    expect(attempts.map((r) => r.statusCode)).toEqual([403, 403, 403, 403, 403, 403, 403, 403]);
    expect(attempts.every((r) => r.json().code === 'FORBIDDEN')).toBe(true);
    // Its own listing does not show the other department's system.
    const own = (await t.call(attacker, 'GET', '/api/v1/census/systems')).json();
    expect(own.items.some((s: { id: string }) => s.id === victim.id)).toBe(false);
    // Unchanged, and the refusals are in the audit trail.
    expect((await t.call(tokens.gaj_admin!, 'GET', `/api/v1/census/systems/${victim.id}`)).json().status).toBe('运行');
    const denied = await t.db.selectFrom('audit_events').select('target_id').where('action', '=', 'access.denied').where('actor_username', '=', 'scj_admin').execute();
    expect(denied.length).toBeGreaterThanOrEqual(8);
  });

  it('lets a department user read but not change its department census', async () => {
    expect((await t.call(tokens.gaj_user!, 'GET', `/api/v1/census/systems/${victim.id}`)).statusCode).toBe(200);
    expect((await t.call(tokens.gaj_user!, 'PATCH', `/api/v1/census/systems/${victim.id}`, { status: '停止' })).statusCode).toBe(403);
    expect((await create(tokens.gaj_user!, { ...healthy, name: '用户自建系统' })).statusCode).toBe(403);
    expect((await t.call(tokens.scj_user!, 'GET', `/api/v1/census/systems/${victim.id}`)).statusCode).toBe(403);
  });

  it('lets the platform admin see and change every department, and keeps the 三员 out', async () => {
    const all = (await t.call(tokens.platform!, 'GET', '/api/v1/census/systems?limit=500')).json();
    expect(new Set(all.items.map((s: { orgId: string }) => s.orgId))).toEqual(new Set([gaj, scj]));
    const patched = await t.call(tokens.platform!, 'PATCH', `/api/v1/census/systems/${victim.id}`, { remarks: '数据局核查：在用' });
    expect(patched.statusCode).toBe(200);
    const created = await create(tokens.platform!, { ...healthy, orgId: scj, name: '数据局代填系统' });
    expect(created.statusCode).toBe(201);
    expect(created.json().orgId).toBe(scj);
    expect((await t.call(tokens.secadmin!, 'GET', '/api/v1/census/systems')).statusCode).toBe(403);
  });
});

describe('catalog resources of a system', () => {
  it('links own catalog resources by id or code, which clears the not-connected flag, and unlinks them', async () => {
    const system = (await create(tokens.gaj_admin!, { ...base, name: '治安管理系统', userCount: 80, omBudget: 10 })).json();
    expect(codesOf(system)).toEqual(['not_connected']);
    const resource = await catalogResource(gaj, '常住人口信息');
    const byId = await t.call(tokens.gaj_admin!, 'POST', `/api/v1/census/systems/${system.id}/resources`, { resourceId: resource.id });
    expect(byId.statusCode).toBe(200);
    expect(byId.json().resources).toEqual([{ id: resource.id, code: resource.code, name: '常住人口信息' }]);
    expect(byId.json().zombie.isZombie).toBe(false);

    const second = await catalogResource(gaj, '暂住人口信息');
    const byCode = await t.call(tokens.gaj_admin!, 'POST', `/api/v1/census/systems/${system.id}/resources`, { resourceCode: second.code });
    expect(byCode.json().resources.map((r: { code: string }) => r.code)).toEqual([resource.code, second.code]);

    expect((await t.call(tokens.gaj_admin!, 'DELETE', `/api/v1/census/systems/${system.id}/resources/${second.id}`)).statusCode).toBe(204);
    const again = await t.call(tokens.gaj_admin!, 'DELETE', `/api/v1/census/systems/${system.id}/resources/${second.id}`);
    expect(again.json().code).toBe('CENSUS_RESOURCE_INVALID');
    expect(await auditActions(system.id)).toEqual(['census.system_created', 'census.resource_linked', 'census.resource_linked', 'census.resource_unlinked']);
  });

  it('refuses resources of another department and resources that do not exist', async () => {
    const system = (await create(tokens.gaj_admin!, { ...healthy, name: '交管信息系统' })).json();
    const foreign = await catalogResource(scj, '企业登记信息');
    const res = await t.call(tokens.gaj_admin!, 'POST', `/api/v1/census/systems/${system.id}/resources`, { resourceId: foreign.id });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('CENSUS_RESOURCE_INVALID');
    const missing = await t.call(tokens.gaj_admin!, 'POST', `/api/v1/census/systems/${system.id}/resources`, { resourceCode: '101000000/999999' });
    expect(missing.json().code).toBe('CENSUS_RESOURCE_INVALID');
    const neither = await t.call(tokens.gaj_admin!, 'POST', `/api/v1/census/systems/${system.id}/resources`, {});
    expect(neither.statusCode).toBe(400);
  });
});

describe('clean-up candidates', () => {
  it('lists only flagged systems of the department, most reasons first, with the reasons', async () => {
    const res = await t.call(tokens.gaj_admin!, 'GET', '/api/v1/census/candidates');
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { name: string; orgId: string; zombie: { reasons: { code: string }[] } }[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((s) => s.orgId === gaj && s.zombie.reasons.length > 0)).toBe(true);
    expect(items[0]!.name).toBe('档案扫描系统');
    const counts = items.map((s) => s.zombie.reasons.length);
    expect([...counts].sort((a, b) => b - a)).toEqual(counts);
    expect(items.some((s) => s.name === '人口信息管理系统')).toBe(false);
  });
});
