import type { Actor } from '../../identity/identity.policy.js';
import type { Database } from '../../../platform/db/database.js';
import { DomainError, forbidden } from '../../../platform/errors.js';
import { publishedDataResource } from '../../catalog/index.js';
import { findEffectiveGrant, type GrantView } from '../../sharing/index.js';
import { isMemberOfDepartment } from '../apps/index.js';
import { datastoreLayout } from '../datastore/index.js';
import { resourceKindOf, type DataResourceKind } from '../resource-kinds.js';
import { curlExample, typescriptExample, type ExampleInput } from './api-doc.examples.js';

export interface ApiDocView {
  resource: { id: string; code: string; name: string; kind: DataResourceKind; providerOrgName: string };
  fields: { item: string; dataType: string; length: number | null; key: boolean; granted: boolean; masking: string | null }[];
  grant: GrantView | null;
  operations: { method: string; path: string; summary: string }[];
  openapi: { paths: Record<string, unknown> };
  examples: { curl: string; typescript: string };
}

const SIGNATURE_PARAMETERS = ['X-App-Key', 'X-Timestamp', 'X-Nonce', 'X-Signature'].map((name) => ({ name, in: 'header', required: true, schema: { type: 'string' } }));
const ERRORS = {
  400: { description: 'DATA_FILTER_INVALID / DATA_CURSOR_INVALID' },
  401: { description: 'SIGNATURE_INVALID / REPLAYED' },
  403: { description: 'APP_DISABLED / GRANT_REQUIRED / GRANT_EXPIRED / GRANT_REVOKED / ITEM_NOT_GRANTED' },
  404: { description: 'DATA_RESOURCE_NOT_FOUND / DATASTORE_NOT_FOUND' },
  429: { description: 'QUOTA_EXCEEDED (resetAt, Retry-After)' },
};

const JSON_TYPES: Record<string, string> = { C: 'string', M: 'string', N: 'string', Y: 'string', I: 'integer', B: 'number', F: 'number', D: 'string', T: 'string', L: 'boolean', G: 'object' };

/** 接口文档: what the signed API offers for one published resource, from the caller department's point of view. */
export function createApiDocService(deps: { db: Database; now?: () => Date }) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());

  return {
    async forResource(actor: Actor, resourceId: string, origin: string): Promise<ApiDocView> {
      const isPlatform = actor.roles.includes('platform_admin');
      if (!isPlatform && !(actor.orgId && isMemberOfDepartment(actor, actor.orgId))) {
        throw forbidden('Only department users may read API pages (只有部门用户可以查看接口文档).');
      }
      const resource = await publishedDataResource(db, { id: resourceId });
      if (!resource) throw new DomainError('DATA_RESOURCE_NOT_FOUND', `Resource ${resourceId} is not published (资源不存在或未发布).`);
      const kind = resourceKindOf(resource.formatClass);
      const provider = await db.selectFrom('identity_orgs').select('name').where('id', '=', resource.providerOrgId).executeTakeFirst();
      const grant = actor.orgId ? await findEffectiveGrant(db, { consumerOrgId: actor.orgId, resourceId, at: now() }) : null;
      const layout = kind === 'table' ? await datastoreLayout(db, resourceId) : null;
      const keyItems = new Set(layout?.keyItems ?? []);
      const granted = new Set(grant?.items ?? []);
      const fields = resource.items.map((i) => ({
        item: i.name, dataType: i.dataType, length: i.length, key: keyItems.has(i.name), granted: granted.has(i.name), masking: grant?.masking[i.name] ?? null,
      }));
      const code = resource.code;
      const usable = fields.filter((f) => (grant ? f.granted : true));
      const operations: ApiDocView['operations'] = [];
      const paths: Record<string, unknown> = {};
      let example: ExampleInput;
      if (kind === 'table') {
        const dataPath = `/api/v1/data/${code}`;
        const verifyPath = `/api/v1/verify/${code}`;
        operations.push(
          { method: 'GET', path: dataPath, summary: '查询：按数据项筛选，返回已授权数据项（按授权脱敏），按主键排序、游标分页' },
          { method: 'POST', path: verifyPath, summary: '核验：提交主键和待核验的数据项值，返回是否一致，不返回存储的值' },
        );
        const itemProps = Object.fromEntries(usable.map((f) => [f.item, { type: JSON_TYPES[f.dataType] ?? 'string', ...(f.masking ? { description: `脱敏：${f.masking}` } : {}) }]));
        const filterParams = usable.flatMap((f) => [
          { name: f.item, in: 'query', required: false, schema: { type: 'string' }, description: '等于' },
          ...(f.masking ? [] : ['in', 'gte', 'lte', 'prefix'].map((op) => ({ name: `${f.item}__${op}`, in: 'query', required: false, schema: { type: 'string' } }))),
        ]);
        paths[dataPath] = {
          get: {
            summary: operations[0]!.summary,
            parameters: [...SIGNATURE_PARAMETERS, ...filterParams,
              { name: 'fields', in: 'query', schema: { type: 'string' }, description: '逗号分隔的数据项' },
              { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
              { name: 'cursor', in: 'query', schema: { type: 'string' } }],
            responses: {
              200: { description: 'OK', content: { 'application/json': { schema: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: itemProps } }, nextCursor: { type: ['string', 'null'] } } } } } },
              ...ERRORS,
            },
          },
        };
        paths[verifyPath] = {
          post: {
            summary: operations[1]!.summary,
            parameters: SIGNATURE_PARAMETERS,
            requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['key', 'claims'], properties: { key: { type: 'object' }, claims: { type: 'object', properties: itemProps } } } } } },
            responses: { 200: { description: 'OK', content: { 'application/json': { schema: { type: 'object', properties: { found: { type: 'boolean' }, results: { type: 'object', additionalProperties: { type: 'boolean' } } } } } } }, ...ERRORS },
          },
        };
        const firstKey = layout?.keyItems[0] ?? usable[0]?.item;
        example = { method: 'GET', path: dataPath, query: { ...(firstKey ? { [firstKey]: '<值>' } : {}), fields: usable.slice(0, 5).map((f) => f.item).join(','), limit: '10' }, body: undefined };
      } else if (kind === 'file') {
        const listPath = `/api/v1/files/${code}`;
        operations.push(
          { method: 'GET', path: listPath, summary: '文件版本列表（含 SM3 校验值）' },
          { method: 'GET', path: `${listPath}/versions/latest`, summary: '下载最新版本（或指定版本号）；响应头 X-Content-SM3' },
        );
        paths[listPath] = { get: { summary: operations[0]!.summary, parameters: SIGNATURE_PARAMETERS, responses: { 200: { description: 'OK' }, ...ERRORS } } };
        paths[`${listPath}/versions/{versionNo}`] = { get: { summary: operations[1]!.summary, parameters: [...SIGNATURE_PARAMETERS, { name: 'versionNo', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'The bytes' }, ...ERRORS } } };
        example = { method: 'GET', path: listPath, query: {}, body: undefined };
      } else {
        const proxyPath = `/api/v1/proxy/${code}`;
        operations.push(
          { method: 'GET', path: proxyPath, summary: '调用提供方接口（查询参数原样转发），返回结果按授权裁剪和脱敏' },
          { method: 'POST', path: proxyPath, summary: '调用提供方接口（JSON 请求体原样转发）' },
        );
        paths[proxyPath] = {
          get: { summary: operations[0]!.summary, parameters: SIGNATURE_PARAMETERS, responses: { 200: { description: 'OK' }, 502: { description: 'UPSTREAM_UNAVAILABLE / UPSTREAM_ERROR' }, 504: { description: 'UPSTREAM_TIMEOUT' }, ...ERRORS } },
          post: { summary: operations[1]!.summary, parameters: SIGNATURE_PARAMETERS, responses: { 200: { description: 'OK' }, ...ERRORS } },
        };
        example = { method: 'GET', path: proxyPath, query: {}, body: undefined };
      }
      return {
        resource: { id: resource.id, code, name: resource.name, kind, providerOrgName: provider?.name ?? '' },
        fields, grant, operations, openapi: { paths },
        examples: { curl: curlExample(origin, example), typescript: typescriptExample(origin, example) },
      };
    },
  };
}
