/**
 * Masking (脱敏) rules a grant can require per info item (DOMAIN.md §6). Data services and exchange
 * apply them to every value that leaves the platform under that grant.
 */
export const MASKING_KINDS = ['name', 'idNumber', 'mobile', 'address', 'bankCard', 'hide'] as const;
export type MaskingKind = (typeof MASKING_KINDS)[number];

export const MASKING_LABELS: Record<MaskingKind, string> = {
  name: '姓名（保留首字）',
  idNumber: '证件号码（保留前 6 位和后 4 位）',
  mobile: '手机号码（保留前 3 位和后 4 位）',
  address: '地址（隐藏后半部分）',
  bankCard: '银行卡号（保留前 4 位和后 4 位）',
  hide: '不提供（整项隐藏）',
};

export function isMaskingKind(value: string): value is MaskingKind {
  return (MASKING_KINDS as readonly string[]).includes(value);
}

/** Keeps `head` and `tail` characters and stars the rest; short values are starred but for the first character. */
function keepEnds(chars: string[], head: number, tail: number): string {
  if (chars.length <= head + tail) return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(chars.length - 1);
  return chars.slice(0, head).join('') + '*'.repeat(chars.length - head - tail) + chars.slice(chars.length - tail).join('');
}

/** Masks one value. `hide` gives null; null and undefined pass through; other types are masked as text. */
export function maskValue(kind: MaskingKind, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (kind === 'hide') return null;
  const chars = Array.from(String(value).trim());
  if (chars.length === 0) return '';
  switch (kind) {
    case 'name':
      return chars[0] + '*'.repeat(Math.max(chars.length - 1, 1));
    case 'idNumber':
      // 18- and 15-digit ID numbers keep region and tail; other certificate numbers keep first 1, last 2.
      return chars.length >= 15 ? keepEnds(chars, 6, 4) : keepEnds(chars, 1, 2);
    case 'mobile':
      return keepEnds(chars, 3, 4);
    case 'address': {
      // Keep roughly the administrative part (province/city/district), hide the street and number.
      const keep = Math.min(Math.ceil(chars.length / 2), 9);
      return chars.slice(0, keep).join('') + '****';
    }
    case 'bankCard':
      return keepEnds(chars, 4, 4);
  }
}

/** Applies a grant's masking map ({item name → kind}) to one record; items not in the map are unchanged. */
export function maskRecord<T extends Record<string, unknown>>(record: T, masking: Readonly<Record<string, MaskingKind>>): T {
  const out: Record<string, unknown> = { ...record };
  for (const [item, kind] of Object.entries(masking)) if (item in out) out[item] = maskValue(kind, out[item]);
  return out as T;
}
