import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { sm3Hex } from '../../platform/crypto/sm3.js';
import { canonicalJson, generateNodeKeyPair, signEnrolment, signNodeRequest, signWithNodeKey, type NodeKeyPair } from './node-signing.js';
import { NODE_ONLINE_WINDOW_MS } from './nodes.service.js';

describe('exchange node registry (前置机注册)', () => {
  let t: TestApp;
  let clock = Date.now();
  let tk: { platform: string; gajAdmin: string; gajUser: string; scjAdmin: string; scjUser: string };
  let scjOrg: { id: string; uscc: string; region_code: string };

  beforeAll(async () => {
    t = await createTestApp({ now: () => new Date(clock) });
    const [platform, gajAdmin, gajUser, scjAdmin, scjUser] = await Promise.all(['platform', 'gaj_admin', 'gaj_user', 'scj_admin', 'scj_user'].map((u) => t.login(u)));
    tk = { platform: platform!, gajAdmin: gajAdmin!, gajUser: gajUser!, scjAdmin: scjAdmin!, scjUser: scjUser! };
    scjOrg = await t.db.selectFrom('identity_users as u').innerJoin('identity_orgs as o', 'o.id', 'u.org_id')
      .select(['o.id', 'o.uscc', 'o.region_code']).where('u.username', '=', 'scj_admin').executeTakeFirstOrThrow();
  });
  afterAll(async () => t.close());

  async function aToken(adminToken = tk.scjAdmin, body: Record<string, unknown> = {}) {
    const res = await t.call(adminToken, 'POST', '/api/v1/exchange/enrolment-tokens', { nodeName: '市场监管前置机', zone: '政务外网', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; token: string; expiresAt: string };
  }

  function enrolBody(token: string, key: NodeKeyPair, extra: Record<string, unknown> = {}) {
    return signEnrolment({ token, publicKey: key.publicKey, name: '市场监管前置机', version: '0.1.0', address: '10.1.2.3', contact: '张三 0756-1234567', ...extra }, key);
  }

  async function enrol(body: object) {
    return t.app.inject({ method: 'POST', url: '/api/v1/exchange/enrol', payload: body });
  }

  async function aNode(adminToken = tk.scjAdmin): Promise<{ nodeId: string; key: NodeKeyPair }> {
    const key = generateNodeKeyPair();
    const res = await enrol(enrolBody((await aToken(adminToken)).token, key));
    expect(res.statusCode, res.body).toBe(201);
    return { nodeId: res.json().nodeId, key };
  }

  async function anApprovedNode(adminToken = tk.scjAdmin) {
    const node = await aNode(adminToken);
    const res = await t.call(tk.platform, 'POST', `/api/v1/exchange/nodes/${node.nodeId}/approve`);
    expect(res.statusCode, res.body).toBe(200);
    return { ...node, code: res.json().code as string };
  }

  it('accepts an enrolment whose optional fields are null (the proof covers null, not an empty string)', async () => {
    const key = generateNodeKeyPair();
    const res = await enrol(enrolBody((await aToken(tk.scjAdmin)).token, key, { address: null, contact: null }));
    expect(res.statusCode, res.body).toBe(201);
  });

  const heartbeatPath = '/api/v1/exchange/heartbeat';
  async function heartbeat(node: { nodeId: string; key: NodeKeyPair }, opts: { body?: object; headers?: Record<string, string>; rawBody?: string } = {}) {
    const payload = JSON.stringify(opts.body ?? { version: '0.1.1', status: 'ok', backlog: 3 });
    const headers = { ...signNodeRequest(node.nodeId, node.key, { method: 'POST', path: heartbeatPath, body: payload, timestamp: String(clock) }), ...opts.headers };
    return t.app.inject({ method: 'POST', url: heartbeatPath, headers: { ...headers, 'content-type': 'application/json' }, payload: opts.rawBody ?? payload });
  }

  it('a department admin creates a one-time token (stored as SM3 only, listed without it, audited), a node enrols with it', async () => {
    const created = await aToken(tk.scjAdmin, { expiresInHours: 48 });
    expect(created.token.length).toBeGreaterThanOrEqual(32);
    expect(new Date(created.expiresAt).getTime()).toBe(clock + 48 * 3_600_000);
    const row = await t.db.selectFrom('exchange_enrolment_tokens').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.token_sm3).toBe(sm3Hex(created.token));
    expect(JSON.stringify(row)).not.toContain(created.token);
    const listed = await t.call(tk.scjAdmin, 'GET', '/api/v1/exchange/enrolment-tokens');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items.find((i: { id: string }) => i.id === created.id)).toMatchObject({ state: 'active', nodeName: '市场监管前置机', zone: '政务外网' });
    expect(listed.body).not.toContain(created.token);
    expect((await t.call(tk.gajAdmin, 'GET', '/api/v1/exchange/enrolment-tokens')).json().items.map((i: { id: string }) => i.id)).not.toContain(created.id);

    const key = generateNodeKeyPair();
    const res = await enrol(enrolBody(created.token, key));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({ nodeId: expect.any(String), status: 'pending' });
    const nodeId = res.json().nodeId;
    const tokens = (await t.call(tk.scjAdmin, 'GET', '/api/v1/exchange/enrolment-tokens')).json().items;
    expect(tokens.find((i: { id: string }) => i.id === created.id)).toMatchObject({ state: 'used', usedByNodeId: nodeId });
    const node = (await t.call(tk.scjUser, 'GET', `/api/v1/exchange/nodes/${nodeId}`)).json();
    expect(node).toMatchObject({ id: nodeId, orgId: scjOrg.id, status: 'pending', code: null, zone: '政务外网', publicKey: key.publicKey, online: false, lastHeartbeatAt: null });
    const audit = await t.db.selectFrom('audit_events').select(['action', 'detail']).where('target_id', 'in', [created.id, nodeId]).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['exchange.enrolment_token_created', 'exchange.node_enrolled']);
    expect(JSON.stringify(audit)).not.toContain(created.token);
  });

  it('only a department admin creates tokens; revokes an unused one of its own department', async () => {
    for (const who of [tk.scjUser, tk.platform]) {
      expect((await t.call(who, 'POST', '/api/v1/exchange/enrolment-tokens', { nodeName: 'x', zone: '专网' })).statusCode).toBe(403);
    }
    expect((await t.call(tk.scjAdmin, 'POST', '/api/v1/exchange/enrolment-tokens', { nodeName: 'x', zone: '局域网' })).statusCode).toBe(400);
    expect((await t.call(tk.scjAdmin, 'POST', '/api/v1/exchange/enrolment-tokens', { nodeName: 'x', zone: '专网', expiresInHours: 169 })).statusCode).toBe(400);
    const created = await aToken();
    expect((await t.call(tk.gajAdmin, 'POST', `/api/v1/exchange/enrolment-tokens/${created.id}/revoke`)).statusCode).toBe(404);
    const revoked = await t.call(tk.scjAdmin, 'POST', `/api/v1/exchange/enrolment-tokens/${created.id}/revoke`);
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json()).toMatchObject({ state: 'revoked' });
    const res = await enrol(enrolBody(created.token, generateNodeKeyPair()));
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('ENROLMENT_TOKEN_REVOKED');
    // A used token cannot be revoked.
    const used = await aToken();
    expect((await enrol(enrolBody(used.token, generateNodeKeyPair()))).statusCode).toBe(201);
    expect((await t.call(tk.scjAdmin, 'POST', `/api/v1/exchange/enrolment-tokens/${used.id}/revoke`)).json().code).toBe('ENROLMENT_TOKEN_USED');
  });

  it('refuses a reused, expired or unknown token, a proof by another key, a tampered field and a malformed key', async () => {
    const created = await aToken();
    const key = generateNodeKeyPair();
    // Proof by another key: refused and the token is not consumed.
    const other = generateNodeKeyPair();
    const forged = { ...enrolBody(created.token, key), proof: signWithNodeKey(canonicalJson({ token: created.token, publicKey: key.publicKey, name: '市场监管前置机', version: '0.1.0', address: '10.1.2.3', contact: '张三 0756-1234567' }), other) };
    let res = await enrol(forged);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('NODE_PROOF_INVALID');
    // A field changed after signing.
    res = await enrol({ ...enrolBody(created.token, key), name: '冒名前置机' });
    expect(res.json().code).toBe('NODE_PROOF_INVALID');
    // Malformed keys: wrong length, compressed, not on the curve.
    for (const publicKey of ['04abcd', `02${key.publicKey.slice(2, 66)}`, `04${'1'.repeat(128)}`]) {
      res = await enrol({ ...enrolBody(created.token, key), publicKey });
      expect(res.statusCode, publicKey).toBe(400);
      expect(res.json().code).toBe('NODE_KEY_INVALID');
    }
    // The genuine request still works, once.
    expect((await enrol(enrolBody(created.token, key))).statusCode).toBe(201);
    res = await enrol(enrolBody(created.token, generateNodeKeyPair()));
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('ENROLMENT_TOKEN_USED');
    // The same key again with a fresh token.
    res = await enrol(enrolBody((await aToken()).token, key));
    expect(res.json().code).toBe('NODE_KEY_DUPLICATE');
    // Unknown token.
    res = await enrol(enrolBody('enr_not-a-token', generateNodeKeyPair()));
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('ENROLMENT_TOKEN_INVALID');
    // Expired.
    const short = await aToken(tk.scjAdmin, { expiresInHours: 1 });
    const saved = clock;
    clock += 3_600_000 + 1;
    try {
      res = await enrol(enrolBody(short.token, generateNodeKeyPair()));
    } finally {
      clock = saved;
    }
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('ENROLMENT_TOKEN_EXPIRED');
  });

  it('the platform admin approves (node code = region + org code + sequence), rejects with a reason; departments are notified; others cannot', async () => {
    const a = await aNode();
    const b = await aNode();
    // Another department's admin neither sees nor approves; the owning department cannot approve.
    expect((await t.call(tk.gajAdmin, 'GET', `/api/v1/exchange/nodes/${a.nodeId}`)).statusCode).toBe(404);
    expect((await t.call(tk.gajAdmin, 'GET', '/api/v1/exchange/nodes')).json().items.map((n: { id: string }) => n.id)).not.toContain(a.nodeId);
    expect((await t.call(tk.gajAdmin, 'POST', `/api/v1/exchange/nodes/${a.nodeId}/approve`)).statusCode).toBe(404);
    expect((await t.call(tk.scjAdmin, 'POST', `/api/v1/exchange/nodes/${a.nodeId}/approve`)).statusCode).toBe(403);
    expect((await t.call(tk.platform, 'GET', '/api/v1/exchange/nodes')).json().items.map((n: { id: string }) => n.id)).toEqual(expect.arrayContaining([a.nodeId, b.nodeId]));

    const [ra, rb] = await Promise.all([a, b].map((n) => t.call(tk.platform, 'POST', `/api/v1/exchange/nodes/${n.nodeId}/approve`)));
    expect(ra!.statusCode, ra!.body).toBe(200);
    expect(rb!.statusCode, rb!.body).toBe(200);
    const prefix = `${scjOrg.region_code}${scjOrg.uscc.slice(8, 17)}`;
    const codes = [ra!.json().code, rb!.json().code];
    for (const code of codes) expect(code).toMatch(new RegExp(`^${prefix}\\d{3}$`));
    expect(new Set(codes).size).toBe(2);
    expect(ra!.json()).toMatchObject({ status: 'approved', decidedAt: new Date(clock).toISOString() });
    expect((await t.call(tk.platform, 'POST', `/api/v1/exchange/nodes/${a.nodeId}/approve`)).json().code).toBe('NODE_STATE_INVALID');

    const c = await aNode();
    expect((await t.call(tk.platform, 'POST', `/api/v1/exchange/nodes/${c.nodeId}/reject`, { reason: '' })).statusCode).toBe(400);
    const rejected = await t.call(tk.platform, 'POST', `/api/v1/exchange/nodes/${c.nodeId}/reject`, { reason: '地址不在政务外网' });
    expect(rejected.json()).toMatchObject({ status: 'rejected', rejectReason: '地址不在政务外网', code: null });
    expect((await t.call(tk.platform, 'POST', `/api/v1/exchange/nodes/${c.nodeId}/approve`)).json().code).toBe('NODE_STATE_INVALID');
    expect((await t.call(tk.platform, 'POST', `/api/v1/exchange/nodes/${c.nodeId}/revoke`, { reason: 'x' })).json().code).toBe('NODE_STATE_INVALID');

    const audit = await t.db.selectFrom('audit_events').select('action').where('target_id', 'in', [a.nodeId, c.nodeId]).orderBy('id').execute();
    expect(audit.map((e) => e.action)).toEqual(['exchange.node_enrolled', 'exchange.node_approved', 'exchange.node_enrolled', 'exchange.node_rejected']);
    const inbox = await t.db.selectFrom('notifications').select(['kind', 'body']).where('recipient_org_id', '=', scjOrg.id).where('kind', 'like', 'exchange.%').execute();
    expect(inbox.map((n) => n.kind)).toEqual(expect.arrayContaining(['exchange.node_approved', 'exchange.node_rejected']));
    expect(inbox.some((n) => n.body.includes(ra!.json().code))).toBe(true);
  });

  it('an approved node sends signed heartbeats: stored, shown online for 90 s', async () => {
    const node = await anApprovedNode();
    const res = await heartbeat(node, { body: { version: '0.2.0', status: 'degraded', backlog: 42, detail: '源库连接慢' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ nodeId: node.nodeId, code: node.code });
    let view = (await t.call(tk.scjAdmin, 'GET', `/api/v1/exchange/nodes/${node.nodeId}`)).json();
    expect(view).toMatchObject({ online: true, lastVersion: '0.2.0', lastStatus: 'degraded', lastBacklog: 42, lastDetail: '源库连接慢', lastHeartbeatAt: new Date(clock).toISOString() });
    const saved = clock;
    clock += NODE_ONLINE_WINDOW_MS + 1;
    try {
      view = (await t.call(tk.platform, 'GET', `/api/v1/exchange/nodes/${node.nodeId}`)).json();
    } finally {
      clock = saved;
    }
    expect(view.online).toBe(false);
  });

  it('a heartbeat stores the reported endpoints (kept when a later one omits them) and clears the silence alert', async () => {
    const node = await anApprovedNode();
    await t.db.updateTable('exchange_nodes').set({ silent_alerted_at: new Date(clock) }).where('id', '=', node.nodeId).execute();
    const endpoints = [{ name: 'hr', type: 'postgres', role: 'source' }, { name: 'files', type: 'csv', role: 'target' }];
    let res = await heartbeat(node, { body: { version: '0.2.0', status: 'ok', backlog: 0, endpoints } });
    expect(res.statusCode, res.body).toBe(200);
    let view = (await t.call(tk.scjAdmin, 'GET', `/api/v1/exchange/nodes/${node.nodeId}`)).json();
    expect(view.endpoints).toEqual(endpoints);
    const row = await t.db.selectFrom('exchange_nodes').select('silent_alerted_at').where('id', '=', node.nodeId).executeTakeFirstOrThrow();
    expect(row.silent_alerted_at).toBeNull();
    res = await heartbeat(node, { body: { version: '0.2.0', status: 'ok', backlog: 0 } });
    expect(res.statusCode, res.body).toBe(200);
    view = (await t.call(tk.scjAdmin, 'GET', `/api/v1/exchange/nodes/${node.nodeId}`)).json();
    expect(view.endpoints).toEqual(endpoints);
    res = await heartbeat(node, { body: { version: '0.2.0', status: 'ok', backlog: 0, endpoints: [{ name: 'x', type: 'oracle', role: 'source' }] } });
    expect(res.statusCode).toBe(400);
  });

  it('refuses a tampered signature or body, a replayed nonce, a stale timestamp, an unknown node, and pending or revoked nodes', async () => {
    const node = await anApprovedNode();
    const payload = JSON.stringify({ version: '0.1.1', status: 'ok', backlog: 0 });
    const headers = signNodeRequest(node.nodeId, node.key, { method: 'POST', path: heartbeatPath, body: payload, timestamp: String(clock) });
    const send = (h: Record<string, string>, body = payload) => t.app.inject({ method: 'POST', url: heartbeatPath, headers: { ...h, 'content-type': 'application/json' }, payload: body });

    // Tampered signature (one hex digit flipped) and tampered body.
    const flipped = headers['x-signature']!.replace(/^./, (ch) => (ch === '0' ? '1' : '0'));
    let res = await send({ ...headers, 'x-signature': flipped });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('SIGNATURE_INVALID');
    res = await send(headers, JSON.stringify({ version: '0.1.1', status: 'ok', backlog: 999 }));
    expect(res.json().code).toBe('SIGNATURE_INVALID');
    // Signed by another key.
    res = await heartbeat({ nodeId: node.nodeId, key: generateNodeKeyPair() });
    expect(res.json().code).toBe('SIGNATURE_INVALID');
    // The genuine request once, then its replay.
    expect((await send(headers)).statusCode).toBe(200);
    res = await send(headers);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('REPLAYED');
    // Stale timestamp.
    const stale = signNodeRequest(node.nodeId, node.key, { method: 'POST', path: heartbeatPath, body: payload, timestamp: String(clock - 5 * 60_000 - 1) });
    expect((await send(stale)).json().code).toBe('SIGNATURE_INVALID');
    // Unknown node and missing headers.
    expect((await heartbeat({ nodeId: '00000000-0000-4000-8000-000000000000', key: node.key })).json().code).toBe('SIGNATURE_INVALID');
    expect((await t.app.inject({ method: 'POST', url: heartbeatPath, payload: { version: '1', status: 'ok', backlog: 0 } })).statusCode).toBe(401);

    // A pending node is not yet allowed.
    const pending = await aNode();
    res = await heartbeat(pending);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('NODE_NOT_APPROVED');

    // Revoked: only the platform admin revokes, with a reason; afterwards its heartbeats are refused.
    expect((await t.call(tk.scjAdmin, 'POST', `/api/v1/exchange/nodes/${node.nodeId}/revoke`, { reason: '设备报废' })).statusCode).toBe(403);
    const revoked = await t.call(tk.platform, 'POST', `/api/v1/exchange/nodes/${node.nodeId}/revoke`, { reason: '设备报废' });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json()).toMatchObject({ status: 'revoked', revokeReason: '设备报废', online: false });
    res = await heartbeat(node);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('NODE_NOT_APPROVED');
    const audit = await t.db.selectFrom('audit_events').select('action').where('target_id', '=', node.nodeId).orderBy('id').execute();
    expect(audit.map((e) => e.action)).toEqual(['exchange.node_enrolled', 'exchange.node_approved', 'exchange.node_revoked']);
  });

  it('a department user sees its own nodes only; the auditor sees none', async () => {
    const node = await aNode(tk.gajAdmin);
    expect((await t.call(tk.gajUser, 'GET', '/api/v1/exchange/nodes')).json().items.map((n: { id: string }) => n.id)).toContain(node.nodeId);
    expect((await t.call(tk.scjUser, 'GET', '/api/v1/exchange/nodes')).json().items.map((n: { id: string }) => n.id)).not.toContain(node.nodeId);
    expect((await t.call(tk.scjUser, 'GET', `/api/v1/exchange/nodes/${node.nodeId}`)).statusCode).toBe(404);
    expect((await t.call(await t.login('auditor'), 'GET', '/api/v1/exchange/nodes')).statusCode).toBe(403);
  });
});
