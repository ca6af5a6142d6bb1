import type { ItemRow, ResourceRow, VersionRow } from './catalog.repository.js';
import { itemsOf } from './catalog.repository.js';
import type { ResourceInput, ResourceStatus } from './catalog.types.js';

export interface VersionView extends Omit<ResourceInput, 'code'> {
  id: string;
  versionNo: number;
  status: VersionRow['status'];
  relatedCategoryId: string | null;
  reviewComment: string | null;
  createdAt: string;
  submittedAt: string | null;
  reviewedAt: string | null;
}

export interface VersionSummary {
  id: string;
  versionNo: number;
  status: VersionRow['status'];
  name: string;
  createdAt: string;
  submittedAt: string | null;
  reviewedAt: string | null;
  reviewComment: string | null;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function toVersionView(v: VersionRow, items: ItemRow[]): VersionView {
  const { code: _code, ...input } = itemsOf(v, items, null);
  return {
    id: v.id, versionNo: v.version_no, status: v.status, ...input, relatedCategoryId: v.related_category_id,
    reviewComment: v.review_comment, createdAt: iso(v.created_at)!, submittedAt: iso(v.submitted_at), reviewedAt: iso(v.reviewed_at),
  };
}

export function toVersionSummary(v: VersionRow): VersionSummary {
  return {
    id: v.id, versionNo: v.version_no, status: v.status, name: v.name, createdAt: iso(v.created_at)!,
    submittedAt: iso(v.submitted_at), reviewedAt: iso(v.reviewed_at), reviewComment: v.review_comment,
  };
}

/** A resource can be requested for sharing when it is published (not retired) and not 不予共享. */
export function isRequestable(status: ResourceStatus | string, shareType: string | null | undefined): boolean {
  return status === 'published' && shareType !== null && shareType !== undefined && shareType !== '不予共享';
}

export function resourceHeader(r: ResourceRow) {
  return {
    id: r.id, code: r.code, name: r.name, status: r.status as ResourceStatus, providerOrgId: r.provider_org_id,
    categoryId: r.category_id, createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!,
    retiredAt: iso(r.retired_at), retiredReason: r.retired_reason,
  };
}

export interface FieldChange { field: string; from: unknown; to: unknown }
export interface VersionDiff {
  from: number;
  to: number;
  fields: FieldChange[];
  items: {
    added: { name: string; dataType: string; length: number | null }[];
    removed: { name: string; dataType: string; length: number | null }[];
    changed: { name: string; changes: FieldChange[] }[];
  };
}

/** Field-by-field comparison of two versions; items are matched by name. */
export function diffVersions(a: VersionView, b: VersionView): VersionDiff {
  const fields: FieldChange[] = [];
  const keys: (keyof VersionView)[] = [
    'name', 'providerName', 'providerCode', 'providerDivision', 'summary', 'formatClass', 'formatType', 'formatOther',
    'shareType', 'shareCondition', 'shareMethodClass', 'shareMethodType', 'isOpen', 'openCondition', 'updateCycle',
    'publishDate', 'relatedClass',
  ];
  for (const key of keys) if (a[key] !== b[key]) fields.push({ field: key, from: a[key], to: b[key] });
  const before = new Map(a.items.map((i, position) => [i.name, { ...i, position }]));
  const after = new Map(b.items.map((i, position) => [i.name, { ...i, position }]));
  const items: VersionDiff['items'] = { added: [], removed: [], changed: [] };
  for (const [name, item] of after) {
    const old = before.get(name);
    if (!old) { items.added.push({ name, dataType: item.dataType, length: item.length }); continue; }
    const changes: FieldChange[] = [];
    for (const key of ['dataType', 'length', 'position'] as const) if (old[key] !== item[key]) changes.push({ field: key, from: old[key], to: item[key] });
    if (changes.length) items.changed.push({ name, changes });
  }
  for (const [name, item] of before) if (!after.has(name)) items.removed.push({ name, dataType: item.dataType, length: item.length });
  return { from: a.versionNo, to: b.versionNo, fields, items };
}
