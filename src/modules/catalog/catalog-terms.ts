/**
 * Search terms for Chinese text. PostgreSQL's text search does not segment Chinese, so documents and
 * queries are cut into overlapping character bigrams (企业登记 → 企业, 业登, 登记); a lone CJK
 * character stands as itself and ASCII words as lower-cased words. Bigram overlap tolerates a missing
 * character and changed word order, which is what users of a catalog get wrong most.
 */
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

function runsOf(text: string): string[] {
  const normalised = text.normalize('NFKC').toLowerCase();
  const runs: string[] = [];
  let current = '';
  let currentIsCjk = false;
  const flush = () => {
    if (current) runs.push(current);
    current = '';
  };
  for (const ch of normalised) {
    const isCjk = CJK.test(ch);
    const isWord = isCjk || /[a-z0-9]/.test(ch);
    if (!isWord) { flush(); continue; }
    if (current && isCjk !== currentIsCjk) flush();
    currentIsCjk = isCjk;
    current += ch;
  }
  flush();
  return runs;
}

/** The distinct search terms of a text. */
export function termsOf(text: string): string[] {
  const terms = new Set<string>();
  for (const run of runsOf(text)) {
    if (!CJK.test(run[0]!)) { terms.add(run); continue; }
    const chars = [...run];
    if (chars.length === 1) { terms.add(run); continue; }
    for (let i = 0; i + 1 < chars.length; i++) terms.add(chars[i]! + chars[i + 1]!);
  }
  return [...terms];
}

/** Normalised text for exact-substring comparison (same folding as the terms). */
export function foldText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

/**
 * A term as a 32-bit integer, so that term arrays stay small and compare fast: a CJK bigram packs
 * its two UTF-16 code units (c1 << 16 | c2, never below 0x34000000 in magnitude); a lone CJK
 * character is its code point (< 65536); an ASCII word hashes (FNV-1a) into the range between.
 * Hash collisions between ASCII words only add candidates; the score still ranks them.
 */
export function termCode(term: string): number {
  if (CJK.test(term[0]!)) {
    return term.length === 1 ? term.charCodeAt(0) : ((term.charCodeAt(0) << 16) | term.charCodeAt(1)) | 0;
  }
  let hash = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) hash = Math.imul(hash ^ term.charCodeAt(i), 0x01000193) >>> 0;
  return 65_536 + (hash % (0x3400_0000 - 65_536));
}

/** The distinct term codes of a text. */
export function termCodesOf(text: string): number[] {
  return sortedTerms(termsOf(text).map(termCode));
}

/** Distinct term codes in ascending order: intarray's set operations are linear on sorted arrays. */
export function sortedTerms(codes: Iterable<number>): number[] {
  return [...new Set(codes)].sort((a, b) => a - b);
}
