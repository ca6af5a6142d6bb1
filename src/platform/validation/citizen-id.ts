/** Citizen ID number 公民身份号码 (GB 11643-1999). */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECKS = '10X98765432';

function checkChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECKS[sum % 11]!;
}

function isRealDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d && y >= 1850;
}

/** True for a valid 18-character ID number (region digits, real birth date, check character). */
export function isValidCitizenId(input: string): boolean {
  const id = input.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  if (!isRealDate(id.slice(6, 14))) return false;
  return checkChar(id.slice(0, 17)) === id[17];
}

/** Upgrades an old 15-digit number: inserts `19` before the year and appends the check character. */
export function upgradeCitizenId15(input: string): string | null {
  const id = input.trim();
  if (!/^\d{15}$/.test(id)) return null;
  const first17 = `${id.slice(0, 6)}19${id.slice(6)}`;
  if (!isRealDate(first17.slice(6, 14))) return null;
  return first17 + checkChar(first17);
}
