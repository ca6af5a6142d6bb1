import { Type, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import { Uuid } from '../../platform/http/schemas.js';
import { DATA_TYPES, FORMAT_CLASSES, SHARE_METHOD_CLASSES, SHARE_METHOD_TYPES, SHARE_TYPES, UPDATE_CYCLES } from './catalog.types.js';

const Enum = <T extends string>(values: readonly T[], description?: string): TUnion<TLiteral<T>[]> => Type.Union(values.map((v) => Type.Literal(v)), description ? { description } : {});
// Null first: with coerceTypes, ajv would otherwise turn null into "" for the string branch.
const Nullable = <T extends TSchema>(schema: T) => Type.Union([Type.Null(), schema]);
const IsoTime = Type.String({ format: 'date-time' });
const Text = (maxLength: number) => Type.String({ maxLength });

export const InfoItemSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200, description: '信息项名称' }),
  dataType: Enum(DATA_TYPES, 'C 字符型, N 数值型, Y 货币型, D 日期型, T 日期时间型, L 逻辑型, M 备注型, G 通用型, B 双精度型, I 整型, F 浮点型'),
  length: Nullable(Type.Integer({ minimum: 0 })),
});

const resourceFields = {
  name: Type.String({ minLength: 1, maxLength: 200, description: '信息资源名称' }),
  providerDivision: Nullable(Text(200)),
  summary: Type.String({ minLength: 1, maxLength: 4000, description: '信息资源摘要' }),
  formatClass: Enum(FORMAT_CLASSES, '格式分类'),
  formatType: Nullable(Text(100)),
  formatOther: Nullable(Text(500)),
  items: Type.Array(InfoItemSchema, { minItems: 1, maxItems: 2000 }),
  shareType: Enum(SHARE_TYPES, '共享类型'),
  shareCondition: Type.String({ maxLength: 4000, description: '共享条件; for 不予共享 the legal basis (required)' }),
  shareMethodClass: Nullable(Enum(SHARE_METHOD_CLASSES)),
  shareMethodType: Nullable(Enum(SHARE_METHOD_TYPES)),
  isOpen: Type.Boolean({ description: '是否向社会开放' }),
  openCondition: Nullable(Text(2000)),
  updateCycle: Enum(UPDATE_CYCLES, '更新周期'),
  publishDate: Type.String({ format: 'date', description: '发布日期 yyyy-mm-dd' }),
  relatedClass: Nullable(Text(200)),
};

export const ResourceBodySchema = Type.Object({
  ...resourceFields,
  code: Type.Optional(Nullable(Type.String({ maxLength: 16, description: '`<9 digits>/<6 digits>`; omitted: the platform assigns one' }))),
  providerName: Type.Optional(Text(200)),
  providerCode: Type.Optional(Type.String({ maxLength: 32, description: "USCC or legacy org code; default the actor's department" })),
  categoryId: Type.Optional(Nullable(Uuid)),
});

export const TransitionResult = Type.Object({ id: Uuid, code: Type.String(), versionId: Uuid });
export const ReturnBody = Type.Object({ comment: Type.String({ minLength: 1, maxLength: 2000 }) });
export const ApproveBody = Type.Object({ comment: Type.Optional(Nullable(Text(2000))) });
export const RetireBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) });

const VersionStatus = Enum(['draft', 'submitted', 'returned', 'published', 'superseded'] as const);
const ResourceStatus = Enum(['draft', 'submitted', 'returned', 'published', 'retired'] as const);

export const VersionSchema = Type.Object({
  ...resourceFields,
  providerName: Type.String(),
  providerCode: Type.String(),
  id: Uuid,
  versionNo: Type.Integer(),
  status: VersionStatus,
  relatedCategoryId: Nullable(Uuid),
  reviewComment: Nullable(Type.String()),
  createdAt: IsoTime,
  submittedAt: Nullable(IsoTime),
  reviewedAt: Nullable(IsoTime),
});

const CategoryRef = Type.Object({ id: Uuid, code: Type.String(), name: Type.String(), kind: Type.String() });

export const ResourceDetailSchema = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  status: ResourceStatus,
  providerOrgId: Uuid,
  providerName: Type.String(),
  providerCode: Type.String(),
  categoryId: Uuid,
  category: CategoryRef,
  relatedCategories: Type.Array(CategoryRef),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  retiredAt: Nullable(IsoTime),
  retiredReason: Nullable(Type.String()),
  requestable: Type.Boolean({ description: 'published, not retired and not 不予共享' }),
  published: Nullable(VersionSchema),
  working: Nullable(VersionSchema),
  versions: Type.Array(Type.Object({
    id: Uuid, versionNo: Type.Integer(), status: VersionStatus, name: Type.String(), createdAt: IsoTime,
    submittedAt: Nullable(IsoTime), reviewedAt: Nullable(IsoTime), reviewComment: Nullable(Type.String()),
  })),
  reviewHistory: Type.Array(Type.Object({
    action: Type.String({ description: 'submitted | approved | returned | retired' }),
    actor: Nullable(Type.String()), comment: Nullable(Type.String()), at: IsoTime, versionNo: Nullable(Type.Integer()),
  })),
});

const FieldChange = Type.Object({ field: Type.String(), from: Type.Unknown(), to: Type.Unknown() });
const ItemRef = Type.Object({ name: Type.String(), dataType: Type.String(), length: Nullable(Type.Integer()) });
export const DiffSchema = Type.Object({
  from: Type.Integer(),
  to: Type.Integer(),
  fields: Type.Array(FieldChange),
  items: Type.Object({ added: Type.Array(ItemRef), removed: Type.Array(ItemRef), changed: Type.Array(Type.Object({ name: Type.String(), changes: Type.Array(FieldChange) })) }),
});
export const DiffParams = Type.Object({ id: Uuid, from: Type.Integer({ minimum: 1 }), to: Type.Integer({ minimum: 1 }) });

export const SearchFilters = {
  q: Type.Optional(Type.String({ maxLength: 100, description: 'keywords: name, summary, item names, provider name' })),
  provider: Type.Optional(Type.String({ maxLength: 32, description: "provider department's USCC" })),
  category: Type.Optional(Type.String({ maxLength: 40, description: 'category id or code; includes sub-classes' })),
  shareType: Type.Optional(Enum(SHARE_TYPES)),
  formatClass: Type.Optional(Enum(FORMAT_CLASSES)),
  isOpen: Type.Optional(Type.Boolean()),
  updateCycle: Type.Optional(Enum(UPDATE_CYCLES)),
  status: Type.Optional(ResourceStatus),
  scope: Type.Optional(Enum(['shared', 'department', 'review'] as const, 'shared (default): published resources; department: a department catalog incl. drafts; review: versions awaiting review in every department (platform admin)')),
};
export const SearchQuery = Type.Object({
  ...SearchFilters,
  sort: Type.Optional(Enum(['relevance', 'publishDate', 'submittedAt'] as const, 'relevance (default with q), publishDate (newest first), submittedAt (oldest submission first: the review queue)')),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});
const FacetList = Type.Array(Type.Object({ value: Type.String(), label: Type.String(), count: Type.Integer() }));
export const SearchResponse = Type.Object({
  total: Type.Integer(),
  items: Type.Array(Type.Object({
    id: Uuid, code: Type.String(), name: Type.String(), providerName: Type.String(), providerCode: Type.String(),
    shareType: Type.String(), status: Type.String(), publishDate: Type.String(), summary: Type.String(), categoryName: Type.String(),
    requestable: Type.Boolean(), score: Nullable(Type.Number()),
    workingStatus: Nullable(Type.String()), submittedAt: Nullable(Type.String({ format: 'date-time' })),
  })),
  facets: Type.Object({
    provider: FacetList, category: FacetList, shareType: FacetList, formatClass: FacetList, isOpen: FacetList, updateCycle: FacetList, status: FacetList,
  }),
});

const CategoryNodeSchema = Type.Recursive((Self) => Type.Object({
  id: Uuid, parentId: Nullable(Uuid), code: Type.String(), name: Type.String(), kind: Type.String(), count: Type.Integer(), children: Type.Array(Self),
}), { $id: 'CatalogCategoryNode' });
export const CategoriesResponse = Type.Object({ items: Type.Array(CategoryNodeSchema) });

export const ImportQuery = Type.Object({
  dryRun: Type.Optional(Type.Boolean({ default: false })),
  submit: Type.Optional(Type.Boolean({ default: false })),
});
export const ImportResponse = Type.Object({
  imported: Type.Integer({ description: 'blocks written (on a dry run: that would be written)' }),
  failed: Type.Integer(),
  resources: Type.Array(Type.Object({
    row: Type.Integer({ description: 'first sheet row of the block' }),
    name: Type.String(),
    id: Type.Optional(Uuid),
    code: Type.Optional(Type.String()),
    action: Type.Optional(Enum(['created', 'revised'] as const)),
    errors: Type.Array(Type.Object({ column: Type.String(), message: Type.String() })),
  })),
});
export const ExportQuery = Type.Object({ ...SearchFilters, format: Type.Optional(Enum(['xlsx', 'csv', 'json'] as const)) });
