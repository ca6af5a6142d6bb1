import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { aTableResourceWithGrant, anApp, dataUrl, signedInject, type TableResourceWithGrant } from '../../../../test/helpers/data-services-factories.js';

interface Seen { method: string; url: string; authorization?: string; contentType?: string; appKey?: string; signature?: string; body: string }

const people = [
  { 公民身份号码: '440402199001011234', 姓名: '张三', 出生日期: '1990-01-01', 联系电话: '13800001234', 住址: '珠海市香洲区某路1号' },
  { 公民身份号码: '440402198505052345', 姓名: '李四', 出生日期: '1985-05-05', 联系电话: '13900002345', 住址: '珠海市金湾区某路2号' },
];

/** A stand-in for a provider's system on 127.0.0.1. */
async function upstream(): Promise<{ base: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const read = async (req: IncomingMessage) => { const chunks: Buffer[] = []; for await (const c of req) chunks.push(c as Buffer); return Buffer.concat(chunks).toString('utf8'); };
  const server: Server = createServer(async (req, res) => {
    const body = await read(req);
    seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, contentType: req.headers['content-type'], appKey: req.headers['x-app-key'] as string | undefined, signature: req.headers['x-signature'] as string | undefined, body });
    const path = req.url!.split('?')[0];
    const json = (status: number, value: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(value)); };
    if (path === '/ok') return json(200, { total: 2, message: '查询成功 127.0.0.1', items: people });
    if (path === '/echo') return json(200, { data: { ...JSON.parse(body || '{}'), 联系电话: '13800001234' } });
    if (path === '/slow') { setTimeout(() => json(200, people), 1500); return; }
    if (path === '/fail') { res.writeHead(500); res.end('internal error at db01.internal'); return; }
    if (path === '/missing') return json(404, { error: 'no such person' });
    if (path === '/text') { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('hello'); return; }
    res.writeHead(404); res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, seen, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('proxied APIs (接口代理): data API', () => {
  let t: TestApp;
  let g: TableResourceWithGrant;
  let up: Awaited<ReturnType<typeof upstream>>;
  const proxyPath = () => `/api/v1/proxy/${g.code}`;
  const flush = () => (t.app as unknown as { services: { dataServices: { api: { flush(): Promise<void> } } } }).services.dataServices.api.flush();
  const lastCall = async () => {
    await flush();
    return t.db.selectFrom('data_calls').selectAll().where('resource_id', '=', g.resourceId).orderBy('at', 'desc').limit(1).executeTakeFirstOrThrow();
  };
  const setEndpoint = async (url: string, method: 'GET' | 'POST' = 'GET', timeoutMs = 1000, headers?: Record<string, string>) => {
    const res = await t.call(g.tokens.gajAdmin, 'PUT', `/api/v1/resources/${g.resourceId}/proxy-endpoint`, { url, method, timeoutMs, ...(headers ? { headers } : {}) });
    expect(res.statusCode, res.body).toBe(200);
  };
  const expectNoLeak = (body: string) => {
    expect(body).not.toContain('127.0.0.1');
    expect(body).not.toContain(up.base);
    expect(body).not.toContain('upstream-secret');
    expect(body).not.toContain('db01');
  };

  beforeAll(async () => {
    up = await upstream();
    t = await createTestApp();
    g = await aTableResourceWithGrant(t, { name: '户籍人口核查接口', formatClass: '服务接口', masking: { 公民身份号码: 'idNumber' } });
  });
  afterAll(async () => { await t.close(); await up.close(); });

  it('409 PROXY_NOT_CONFIGURED before the provider registers the upstream', async () => {
    const res = await signedInject(t, g.app, 'GET', proxyPath());
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('PROXY_NOT_CONFIGURED');
  });

  it('forwards the query string and the registered headers; the JSON comes back cut to the grant and masked', async () => {
    await setEndpoint(`${up.base}/ok?fixed=1`, 'GET', 1000, { Authorization: 'Bearer upstream-secret' });
    const url = dataUrl(proxyPath(), { 姓名: '张三', page: 1 });
    const res = await signedInject(t, g.app, 'GET', url);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      total: 2,
      items: [
        { 公民身份号码: '440402********1234', 姓名: '张三', 出生日期: '1990-01-01' },
        { 公民身份号码: '440402********2345', 姓名: '李四', 出生日期: '1985-05-05' },
      ],
    });
    const seen = up.seen.at(-1)!;
    expect(seen).toMatchObject({ method: 'GET', url: `/ok?fixed=1&${url.split('?')[1]}`, authorization: 'Bearer upstream-secret', appKey: undefined, signature: undefined });
    expect(await lastCall()).toMatchObject({ operation: 'proxy', status: 200, rows: 2, items: ['公民身份号码', '姓名', '出生日期'] });
  });

  it('forwards a POST body to a POST upstream', async () => {
    await setEndpoint(`${up.base}/echo`, 'POST');
    const res = await signedInject(t, g.app, 'POST', proxyPath(), { 姓名: '王五', 公民身份号码: '440402200001011234' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ data: { 姓名: '王五', 公民身份号码: '440402********1234' } });
    expect(JSON.parse(up.seen.at(-1)!.body)).toEqual({ 姓名: '王五', 公民身份号码: '440402200001011234' });
    expect(up.seen.at(-1)!.contentType).toBe('application/json');
  });

  it('maps upstream failures without revealing the upstream address or credentials', async () => {
    const cases: [string, number, string, RegExp][] = [
      [`${up.base}/slow`, 504, 'UPSTREAM_TIMEOUT', /300 毫秒内未响应/],
      [`${up.base}/fail`, 502, 'UPSTREAM_ERROR', /上游接口返回 HTTP 500/],
      [`${up.base}/missing`, 502, 'UPSTREAM_ERROR', /上游接口返回 HTTP 404/],
      [`${up.base}/text`, 502, 'UPSTREAM_ERROR', /不是 JSON/],
      [`http://127.0.0.1:${await closedPort()}/x`, 502, 'UPSTREAM_UNAVAILABLE', /无法连接/],
    ];
    for (const [url, status, code, message] of cases) {
      await setEndpoint(url, 'GET', 300, { Authorization: 'Bearer upstream-secret' });
      const started = Date.now();
      const res = await signedInject(t, g.app, 'GET', proxyPath());
      expect(res.statusCode, `${url}: ${res.body}`).toBe(status);
      expect(res.json().code).toBe(code);
      expect(res.json().message).toMatch(message);
      expectNoLeak(res.body);
      expect(Date.now() - started).toBeLessThan(1400);
      expect(await lastCall()).toMatchObject({ status, error_code: code, operation: 'proxy', rows: 0 });
    }
  });

  it('refuses an app without a grant, and the holder once the grant is revoked, before anything reaches the upstream', async () => {
    await setEndpoint(`${up.base}/ok`);
    const gajApp = await anApp(t, g.tokens.gajAdmin, '公安局应用（代理测试）');
    const before = up.seen.length;
    const refused = await signedInject(t, gajApp, 'GET', proxyPath());
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('GRANT_REQUIRED');
    expect((await t.call(g.tokens.gajAdmin, 'POST', `/api/v1/grants/${g.grantId}/revoke`, { reason: '停止共享' })).statusCode).toBe(200);
    const revoked = await signedInject(t, g.app, 'GET', proxyPath());
    expect(revoked.statusCode).toBe(403);
    expect(revoked.json().code).toBe('GRANT_REVOKED');
    expect(up.seen.length).toBe(before);
  });
});
