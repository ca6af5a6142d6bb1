import { describe, expect, it } from 'vitest';
import { isValidCitizenId, upgradeCitizenId15 } from './citizen-id.js';
import { findRegion, searchRegions } from './region.js';
import { isValidUscc, legacyOrgCode, orgCodeProblem, usccProblem } from './uscc.js';

describe('USCC (GB 32100)', () => {
  it.each(['91110000600037341L', '91310115MA1K3BTP2B', '9144030071526726XG', '121200004013590816'])(
    'accepts the DOMAIN.md example %s',
    (code) => expect(usccProblem(code)).toBeNull(),
  );

  it('accepts every department in demo/orgs.csv', async () => {
    const { readFile } = await import('node:fs/promises');
    const rows = (await readFile(new URL('../../../demo/orgs.csv', import.meta.url), 'utf8')).trim().split('\n').slice(1);
    for (const row of rows) expect(isValidUscc(row.split(',')[2]!), row).toBe(true);
  });

  it('rejects a wrong final check character', () => {
    expect(usccProblem('91110000600037341M')).toBe('check-char');
  });

  it('rejects a wrong embedded org-code check even when the final check char is recomputed', () => {
    // 60003734-1 is the valid org code; change its check digit to 2 and fix up the USCC check char.
    const body = '9111000060003734' + '2';
    const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    const sum = [...body].reduce((s, ch, i) => s + chars.indexOf(ch) * weights[i]!, 0);
    const forged = body + chars[(31 - (sum % 31)) % 31];
    expect(usccProblem(forged)).toBe('org-code-check');
  });

  it('rejects bad length and forbidden letters', () => {
    expect(usccProblem('9111000060003734')).toBe('length');
    expect(usccProblem('91110000600037341I')).toBe('characters');
    expect(isValidUscc('')).toBe(false);
  });

  it('extracts the legacy org code', () => {
    expect(legacyOrgCode('91110000600037341L')).toBe('60003734-1');
    expect(orgCodeProblem('600037341')).toBeNull();
  });
});

describe('citizen ID (GB 11643)', () => {
  it('accepts the DOMAIN.md examples', () => {
    expect(isValidCitizenId('360426199101010071')).toBe(true);
    expect(isValidCitizenId('44011320141005001X')).toBe(true);
    expect(isValidCitizenId('44011320141005001x')).toBe(true);
  });
  it('rejects a wrong check character and an impossible date', () => {
    expect(isValidCitizenId('360426199101010072')).toBe(false);
    expect(isValidCitizenId('360426199102300071')).toBe(false);
  });
  it('upgrades a 15-digit number', () => {
    const upgraded = upgradeCitizenId15('360426910101007');
    expect(upgraded).toBe('360426199101010071');
  });
});

describe('region codes (GB/T 2260)', () => {
  it('knows provinces, cities and counties', () => {
    expect(findRegion('440000')?.level).toBe('province');
    expect(findRegion('440400')).toMatchObject({ name: '珠海市', level: 'city' });
    expect(findRegion('310115')?.fullName).toContain('浦东新区');
    expect(findRegion('999999')).toBeUndefined();
  });
  it('searches by prefix and name', () => {
    expect(searchRegions('4404').some((r) => r.code === '440402')).toBe(true);
    expect(searchRegions('珠海').length).toBeGreaterThan(0);
  });
});
