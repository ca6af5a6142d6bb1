/**
 * Catalog (政务信息资源目录) shared types: the normalised resource as the Excel import produces it and
 * the catalog service stores it (DOMAIN.md §3). The import parser and the catalog service meet here.
 */

/** 信息项数据类型: C 字符型, N 数值型, Y 货币型, D 日期型, T 日期时间型, L 逻辑型, M 备注型, G 通用型, B 双精度型, I 整型, F 浮点型 */
export const DATA_TYPES = ['C', 'N', 'Y', 'D', 'T', 'L', 'M', 'G', 'B', 'I', 'F'] as const;
export type DataType = (typeof DATA_TYPES)[number];
export const DATA_TYPE_LABELS: Record<DataType, string> = {
  C: '字符型', N: '数值型', Y: '货币型', D: '日期型', T: '日期时间型', L: '逻辑型', M: '备注型', G: '通用型', B: '双精度型', I: '整型', F: '浮点型',
};

export const SHARE_TYPES = ['无条件共享', '有条件共享', '不予共享'] as const;
export type ShareType = (typeof SHARE_TYPES)[number];

/** 信息资源格式分类 and the format types each allows. */
export const FORMAT_CLASSES = ['电子文件', '电子表格', '数据库', '图形图像', '流媒体', '自描述格式', '服务接口'] as const;
export type FormatClass = (typeof FORMAT_CLASSES)[number];
export const FORMAT_TYPES: Record<FormatClass, readonly string[]> = {
  电子文件: ['OFD', 'wps', 'xml', 'txt', 'doc', 'docx', 'html', 'pdf', 'ppt'],
  电子表格: ['et', 'xls', 'xlsx'],
  数据库: ['Dm', 'KingbaseES', 'access', 'dbf', 'dbase', 'sysbase', 'oracle', 'sql server', 'db2', 'mysql'],
  图形图像: ['jpg', 'gif', 'bmp'],
  流媒体: ['swf', 'rm', 'mpg'],
  自描述格式: [],
  服务接口: [],
};

/** 共享方式分类 / 类型 */
export const SHARE_METHOD_CLASSES = ['共享平台方式', '邮件或介质方式'] as const;
export type ShareMethodClass = (typeof SHARE_METHOD_CLASSES)[number];
export const SHARE_METHOD_TYPES = ['接口', '数据库', '文件'] as const;
export type ShareMethodType = (typeof SHARE_METHOD_TYPES)[number];

export const UPDATE_CYCLES = ['实时', '每日', '每周', '每月', '每季度', '每半年', '每年', '不定期'] as const;
export type UpdateCycle = (typeof UPDATE_CYCLES)[number];

/** Lifecycle: 草稿 draft → 待审核 submitted → 已发布 published, or 退回修改 returned; 已下架 retired. */
export const RESOURCE_STATUSES = ['draft', 'submitted', 'returned', 'published', 'retired'] as const;
export type ResourceStatus = (typeof RESOURCE_STATUSES)[number];

export interface InfoItemInput {
  /** 信息项名称 */
  name: string;
  dataType: DataType;
  /** 数据长度; null where the type has none */
  length: number | null;
}

/** One resource's metadata, normalised (what one block of the annex-4 template holds). */
export interface ResourceInput {
  name: string;
  /** 信息资源代码 `<classification digits>/<sequence>`; optional on input, the platform assigns one. */
  code: string | null;
  /** 信息资源提供方 as written */
  providerName: string;
  /** 资源提供方代码 normalised to the department's USCC */
  providerCode: string;
  /** 提供方内部部门 */
  providerDivision: string | null;
  summary: string;
  formatClass: FormatClass;
  formatType: string | null;
  formatOther: string | null;
  items: InfoItemInput[];
  shareType: ShareType;
  /** 共享条件: the conditions for 有条件共享; the legal basis for 不予共享 */
  shareCondition: string;
  shareMethodClass: ShareMethodClass | null;
  shareMethodType: ShareMethodType | null;
  /** 是否向社会开放 */
  isOpen: boolean;
  openCondition: string | null;
  updateCycle: UpdateCycle;
  /** 发布日期 yyyy-mm-dd */
  publishDate: string;
  /** 关联及类目名称, e.g. `基础信息资源/人口基础信息` */
  relatedClass: string | null;
}

/** An error in one block of an import, named by the template column header a clerk sees. */
export interface ImportError {
  column: string;
  message: string;
}
