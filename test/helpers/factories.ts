/** Test data factories. */

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** A valid USCC (GB 32100, with a valid embedded org code) for test number `n`, in region `region`. */
export function validUscc(n: number, region = '440400', prefix = '11'): string {
  const body = String(n).padStart(8, '0').slice(-8);
  const orgSum = [...body].reduce((s, ch, i) => s + Number(ch) * ORG_WEIGHTS[i]!, 0);
  const c = 11 - (orgSum % 11);
  const orgCode = body + (c === 10 ? 'X' : c === 11 ? '0' : String(c));
  const first17 = prefix + region + orgCode;
  const sum = [...first17].reduce((s, ch, i) => s + USCC_CHARS.indexOf(ch) * USCC_WEIGHTS[i]!, 0);
  return first17 + USCC_CHARS[(31 - (sum % 31)) % 31];
}
