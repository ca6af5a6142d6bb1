import type { LightMyRequestResponse } from 'fastify';
import type { ResourceInput } from '../../src/modules/catalog/index.js';
import { partsOfUrl, signRequest } from '../../src/modules/data-services/index.js';
import { aShareRequest, publishResource } from './sharing-factories.js';
import type { TestApp } from './test-app.js';

/** Items of the default 库表 resource (公安局 户籍人口): three granted by default, 联系电话 and 住址 not. */
export const TABLE_ITEMS: ResourceInput['items'] = [
  { name: '公民身份号码', dataType: 'C', length: 18 },
  { name: '姓名', dataType: 'C', length: 50 },
  { name: '出生日期', dataType: 'D', length: null },
  { name: '联系电话', dataType: 'C', length: 20 },
  { name: '住址', dataType: 'C', length: 200 },
];

export interface AppCredentials { appId: string; appKey: string; appSecret: string }

export interface TableResourceWithGrant {
  resourceId: string;
  /** `<classification>/<sequence>`, as in the data API's URL. */
  code: string;
  /** `/api/v1/data/<code>` and `/api/v1/verify/<code>`. */
  dataPath: string;
  verifyPath: string;
  grantId: string;
  requestId: string;
  /** 市场监管局's app (the consumer). */
  app: AppCredentials;
  tokens: { platform: string; gajAdmin: string; gajUser: string; scjAdmin: string; scjUser: string };
  providerOrgId: string;
  consumerOrgId: string;
}

export interface TableResourceOptions {
  name?: string;
  formatClass?: ResourceInput['formatClass'];
  /** The resource's items (default TABLE_ITEMS). */
  resourceItems?: ResourceInput['items'];
  /** Items asked for and granted (default 公民身份号码, 姓名, 出生日期). */
  items?: string[];
  masking?: Record<string, string>;
  dailyQuota?: number;
  validFrom?: string;
  validTo?: string;
  /** An existing app of 市场监管局 to use instead of creating one. */
  app?: AppCredentials;
  /** Define the datastore key (PUT /resources/:id/datastore) with these items; omitted: no datastore. */
  keyItems?: string[];
  /** CSV (header = item names) loaded in `replace` mode after defining the key. */
  csv?: string;
}

async function expectOk(res: LightMyRequestResponse, what: string, status = 200): Promise<any> {
  if (res.statusCode !== status) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** Signs in as the demo accounts used by the data-services tests. */
export async function dataServicesTokens(t: TestApp): Promise<TableResourceWithGrant['tokens']> {
  const [platform, gajAdmin, gajUser, scjAdmin, scjUser] = await Promise.all(['platform', 'gaj_admin', 'gaj_user', 'scj_admin', 'scj_user'].map((u) => t.login(u)));
  return { platform: platform!, gajAdmin: gajAdmin!, gajUser: gajUser!, scjAdmin: scjAdmin!, scjUser: scjUser! };
}

/** Creates an application through POST /api/v1/apps as `adminToken` (a dept_admin). */
export async function anApp(t: TestApp, adminToken: string, name = '企业开办一网通办系统'): Promise<AppCredentials> {
  const body = await expectOk(await t.call(adminToken, 'POST', '/api/v1/apps', { name, description: '测试应用' }), 'create app', 201);
  return { appId: body.id, appKey: body.appKey, appSecret: body.appSecret };
}

/**
 * A published 库表 resource of 公安局 (format class 数据库), granted to 市场监管局 through the real sharing
 * API (request by scj_user, approval by gaj_admin with `masking` and `dailyQuota`), and an app of 市场监管局.
 * With `keyItems` (and `csv`) it also defines the datastore and loads rows (needs the datastore routes).
 */
export async function aTableResourceWithGrant(t: TestApp, options: TableResourceOptions = {}, tokens?: TableResourceWithGrant['tokens']): Promise<TableResourceWithGrant> {
  const tk = tokens ?? await dataServicesTokens(t);
  const resourceId = await publishResource(t, { provider: tk.gajAdmin, platform: tk.platform }, {
    name: options.name ?? `户籍人口库表${Math.random().toString(36).slice(2, 8)}`,
    formatClass: options.formatClass ?? '数据库',
    items: options.resourceItems ?? TABLE_ITEMS,
  });
  const items = options.items ?? ['公民身份号码', '姓名', '出生日期'];
  const created = await expectOk(await t.call(tk.scjUser, 'POST', '/api/v1/share-requests', aShareRequest(resourceId, {
    items, validFrom: options.validFrom ?? '2026-01-01', validTo: options.validTo ?? '2030-12-31',
  })), 'share request', 201);
  const requestId = created.id as string;
  await expectOk(await t.call(tk.gajAdmin, 'POST', `/api/v1/share-requests/${requestId}/decision`, {
    approve: true, masking: options.masking ?? {}, ...(options.dailyQuota ? { dailyQuota: options.dailyQuota } : {}),
  }), 'approve share request');
  const request = await expectOk(await t.call(tk.scjUser, 'GET', `/api/v1/share-requests/${requestId}`), 'read share request');
  const grantId = request.grantId as string;
  if (!grantId) throw new Error(`no grant for request ${requestId}: ${JSON.stringify(request)}`);
  const resource = await expectOk(await t.call(tk.gajAdmin, 'GET', `/api/v1/resources/${resourceId}`), 'read resource');
  const code = resource.code as string;
  const app = options.app ?? await anApp(t, tk.scjAdmin, `应用${Math.random().toString(36).slice(2, 8)}`);
  if (options.keyItems) await loadRows(t, tk.gajAdmin, resourceId, options.keyItems, options.csv);
  return {
    resourceId, code, dataPath: `/api/v1/data/${code}`, verifyPath: `/api/v1/verify/${code}`, grantId, requestId, app, tokens: tk,
    providerOrgId: await t.orgIdByName('珠海市公安局'), consumerOrgId: await t.orgIdByName('珠海市市场监督管理局'),
  };
}

/** Defines the datastore key (PUT /resources/:id/datastore) and, given CSV text, loads it (replace). */
export async function loadRows(t: TestApp, providerAdminToken: string, resourceId: string, keyItems: string[], csvText?: string): Promise<unknown> {
  await expectOk(await t.call(providerAdminToken, 'PUT', `/api/v1/resources/${resourceId}/datastore`, { keyItems }), 'define datastore');
  if (csvText === undefined) return null;
  const boundary = '----govshare-test-boundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="rows.csv"\r\nContent-Type: text/csv\r\n\r\n`),
    Buffer.from(csvText, 'utf8'),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await t.app.inject({
    method: 'POST', url: `/api/v1/resources/${resourceId}/loads?mode=replace`, payload,
    headers: { authorization: `Bearer ${providerAdminToken}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
  const load = await expectOk(res, 'load rows');
  if (load.status !== 'succeeded') throw new Error(`load failed: ${res.body}`);
  return load;
}

let nonceCounter = 0;

/** The four signature headers for a request (fresh timestamp and nonce unless given). */
export function signedHeaders(credentials: { appKey: string; appSecret: string }, method: string, url: string, body = '', opts: { timestamp?: number; nonce?: string } = {}): Record<string, string> {
  const { path, query } = partsOfUrl(url);
  const timestamp = String(opts.timestamp ?? Date.now());
  const nonce = opts.nonce ?? `n-${process.pid}-${Date.now()}-${++nonceCounter}`;
  const signature = signRequest(credentials.appSecret, { method, path, query, timestamp, nonce, body });
  return { 'x-app-key': credentials.appKey, 'x-timestamp': timestamp, 'x-nonce': nonce, 'x-signature': signature };
}

/**
 * Calls the data API with a signed request through `t.app.inject`. `body` (an object) is sent as JSON and
 * signed byte for byte; `url` is path plus query as sent (percent-encode non-ASCII with `dataUrl`).
 */
export async function signedInject(
  t: TestApp, credentials: { appKey: string; appSecret: string }, method: 'GET' | 'POST', url: string, body?: unknown,
  opts: { timestamp?: number; nonce?: string; headers?: Record<string, string> } = {},
): Promise<LightMyRequestResponse> {
  const raw = body === undefined ? '' : JSON.stringify(body);
  const headers = { ...signedHeaders(credentials, method, url, raw, opts), ...(raw ? { 'content-type': 'application/json' } : {}), ...opts.headers };
  return t.app.inject({ method, url, headers, ...(raw ? { payload: raw } : {}) });
}

/** `path?query` with every name and value percent-encoded. */
export function dataUrl(path: string, query: Record<string, string | number> = {}): string {
  const q = Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
  return q ? `${path}?${q}` : path;
}

/** A valid 18-digit 公民身份号码 (GB 11643 check character) for region 440402, a birth date and a sequence 0–999. */
export function aCitizenId(birth = '19800101', seq = 1): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const first17 = `440402${birth}${String(seq).padStart(3, '0')}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i]!;
  return first17 + '10X98765432'[sum % 11];
}

/** CSV text for TABLE_ITEMS with `n` people (ids from aCitizenId, names 张三1…, phones, addresses). */
export function peopleCsv(n: number): { csv: string; ids: string[] } {
  const ids: string[] = [];
  const lines = ['公民身份号码,姓名,出生日期,联系电话,住址'];
  for (let i = 1; i <= n; i++) {
    const birth = `1980${String(((i - 1) % 12) + 1).padStart(2, '0')}${String(((i - 1) % 28) + 1).padStart(2, '0')}`;
    const id = aCitizenId(birth, i % 1000);
    ids.push(id);
    lines.push(`${id},张三${i},${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6)},1380000${String(i).padStart(4, '0')},广东省珠海市香洲区人民东路${i}号`);
  }
  return { csv: lines.join('\n') + '\n', ids };
}
