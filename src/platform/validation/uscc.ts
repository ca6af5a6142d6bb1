/**
 * Unified social credit code 统一社会信用代码 (GB 32100-2015), including the embedded
 * organization code 组织机构代码 (GB 11714-1997) with its own check character.
 */
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

export type UsccProblem =
  | 'length'
  | 'characters'
  | 'region'
  | 'org-code-characters'
  | 'org-code-check'
  | 'check-char';

/** Explains what is wrong with a USCC, or returns null when it is valid. */
export function usccProblem(input: string): UsccProblem | null {
  const code = input.trim().toUpperCase();
  if (code.length !== 18) return 'length';
  for (const ch of code) if (!USCC_CHARS.includes(ch)) return 'characters';
  if (!/^\d{6}$/.test(code.slice(2, 8))) return 'region';
  const orgProblem = orgCodeProblem(code.slice(8, 17));
  if (orgProblem) return orgProblem;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(code[i]!) * USCC_WEIGHTS[i]!;
  const check = USCC_CHARS[(31 - (sum % 31)) % 31];
  return check === code[17] ? null : 'check-char';
}

export function isValidUscc(input: string): boolean {
  return usccProblem(input) === null;
}

/** Checks a 9-character organization code body+check (`XXXXXXXXC`, no hyphen). */
export function orgCodeProblem(code: string): 'org-code-characters' | 'org-code-check' | null {
  if (!/^[0-9A-Z]{8}[0-9X]$/.test(code)) return 'org-code-characters';
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = code[i]!;
    const value = ch >= '0' && ch <= '9' ? Number(ch) : ch.charCodeAt(0) - 55; // A=10 … Z=35
    sum += value * ORG_CODE_WEIGHTS[i]!;
  }
  const c = 11 - (sum % 11);
  const check = c === 10 ? 'X' : c === 11 ? '0' : String(c);
  return check === code[8] ? null : 'org-code-check';
}

/** The legacy organization code `XXXXXXXX-X` embedded in a USCC (characters 9–17). */
export function legacyOrgCode(uscc: string): string {
  const code = uscc.trim().toUpperCase();
  return `${code.slice(8, 16)}-${code.slice(16, 17)}`;
}

export const USCC_PROBLEM_MESSAGES: Record<UsccProblem, string> = {
  length: 'must be 18 characters',
  characters: 'may only contain digits and the letters ABCDEFGHJKLMNPQRTUWXY (no I, O, Z, S, V)',
  region: 'characters 3–8 must be a 6-digit region code',
  'org-code-characters': 'characters 9–17 must be an organization code',
  'org-code-check': 'the embedded organization code (characters 9–17) has a wrong check character',
  'check-char': 'the last character (check character) is wrong',
};
