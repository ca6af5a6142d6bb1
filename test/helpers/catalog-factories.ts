import type { ResourceInput } from '../../src/modules/catalog/index.js';

/** Demo departments' USCCs (demo/orgs.csv). */
export const GAJ_USCC = '11440400WFA5YL7R9R';
export const SCJ_USCC = '11440400MG8FKWBT0A';

/** A valid resource body; override what a test is about. */
export function aResource(overrides: Partial<ResourceInput> = {}): ResourceInput {
  return {
    name: '户籍人口基本信息',
    code: null,
    providerName: '珠海市公安局',
    providerCode: GAJ_USCC,
    providerDivision: '人口管理支队',
    summary: '本市户籍人口的姓名、性别、出生日期等基本信息',
    formatClass: '数据库',
    formatType: 'oracle',
    formatOther: null,
    items: [
      { name: '姓名', dataType: 'C', length: 50 },
      { name: '公民身份号码', dataType: 'C', length: 18 },
      { name: '出生日期', dataType: 'D', length: null },
    ],
    shareType: '有条件共享',
    shareCondition: '用于政务服务身份核验',
    shareMethodClass: '共享平台方式',
    shareMethodType: '接口',
    isOpen: false,
    openCondition: null,
    updateCycle: '每日',
    publishDate: '2026-11-01',
    relatedClass: '基础信息资源/人口基础信息',
    ...overrides,
  };
}
