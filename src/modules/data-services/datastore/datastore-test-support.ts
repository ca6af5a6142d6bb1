/** Test support for the datastore tests: a typed resource, valid ID numbers, multipart uploads. */
import type { ResourceInput } from '../../catalog/index.js';

/** Every item type, with ID-number and USCC items checked by name. */
export const TYPED_ITEMS: ResourceInput['items'] = [
  { name: '公民身份号码', dataType: 'C', length: 18 },
  { name: '姓名', dataType: 'C', length: 4 },
  { name: '出生日期', dataType: 'D', length: null },
  { name: '金额', dataType: 'Y', length: null },
  { name: '数量', dataType: 'I', length: null },
  { name: '比率', dataType: 'B', length: null },
  { name: '在册', dataType: 'L', length: null },
  { name: '登记时间', dataType: 'T', length: null },
  { name: '备注', dataType: 'M', length: null },
  { name: '扩展', dataType: 'G', length: null },
  { name: '统一社会信用代码', dataType: 'C', length: 18 },
  { name: '数值', dataType: 'N', length: 5 },
];

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** A valid 18-character citizen ID number for sequence `n` (born 1990-01-01 + n days mod 28). */
export function citizenId(n: number): string {
  const day = String((n % 28) + 1).padStart(2, '0');
  const body = `440402199001${day}${String(n % 1000).padStart(3, '0')}`;
  const first17 = `${body.slice(0, 14)}${body.slice(14, 17)}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return first17 + '10X98765432'[sum % 11]!;
}

/** IDs unique over a large range: varies region digits too. */
export function citizenIdLarge(n: number): string {
  const region = String(110000 + Math.floor(n / 28000)).slice(0, 6);
  const day = String((n % 28) + 1).padStart(2, '0');
  const seq = String(Math.floor(n / 28) % 1000).padStart(3, '0');
  const first17 = `${region}199001${day}${seq}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return first17 + '10X98765432'[sum % 11]!;
}

export const VALID_USCC = '11440400WFA5YL7R9R';

/** A multipart/form-data body with one file field. */
export function multipartBody(filename: string, content: Buffer | string): { payload: Buffer; contentType: string } {
  const boundary = '----govshare-datastore-test';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    typeof content === 'string' ? Buffer.from(content, 'utf8') : content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}
