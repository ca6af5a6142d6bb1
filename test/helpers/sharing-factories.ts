import type { ResourceInput } from '../../src/modules/catalog/index.js';
import { createUserUnchecked } from '../../src/modules/identity/index.js';
import { aResource } from './catalog-factories.js';
import { DEMO_PASSWORD, type TestApp } from './test-app.js';

/** Creates, submits and publishes a 公安局 resource through the catalog API; returns its id. */
export async function publishResource(t: TestApp, tokens: { provider: string; platform: string }, overrides: Partial<ResourceInput> = {}): Promise<string> {
  const created = await t.call(tokens.provider, 'POST', '/api/v1/resources', aResource(overrides));
  if (created.statusCode !== 201) throw new Error(`create resource: ${created.statusCode} ${created.body}`);
  const { id } = created.json() as { id: string };
  for (const [token, step] of [[tokens.provider, 'submit'], [tokens.platform, 'approve']] as const) {
    const res = await t.call(token, 'POST', `/api/v1/resources/${id}/${step}`, step === 'approve' ? {} : undefined);
    if (res.statusCode !== 200) throw new Error(`${step} resource: ${res.statusCode} ${res.body}`);
  }
  return id;
}

/** A department admin of 税务局, a third department that neither provides nor asks (for attacker tests). */
export async function aThirdDepartmentAdmin(t: TestApp, username = 'swj_admin'): Promise<string> {
  await createUserUnchecked(t.db, { actor: null, ip: null }, {
    username, password: DEMO_PASSWORD, displayName: '税务局管理员', orgId: await t.orgIdByName('国家税务总局珠海市税务局'), roles: ['dept_admin'], mustChangePassword: false,
  });
  return t.login(username);
}

/** A valid request body for a resource of the 公安局 sample (items 姓名, 公民身份号码, 出生日期). */
export function aShareRequest(resourceId: string, overrides: Record<string, unknown> = {}) {
  return {
    resourceId,
    items: ['姓名', '公民身份号码'],
    purpose: '企业开办登记时核验法定代表人身份',
    basis: '《市场主体登记管理条例》第十条',
    applicationName: '企业开办一网通办系统',
    validFrom: '2026-12-01',
    validTo: '2027-11-30',
    ...overrides,
  };
}
