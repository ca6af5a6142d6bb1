import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/test-app.js';
import { aThirdDepartmentAdmin, publishResource } from '../../../../test/helpers/sharing-factories.js';
import { contentDisposition } from './files.routes.js';
import { readUpload } from './files.service.js';

const sm3 = (data: Buffer | string) => createHash('sm3').update(data).digest('hex');

/** A multipart body with field `file` (and `note`, before or after the file). */
function multipartBody(file: { filename: string; content: Buffer | string; contentType?: string }, note?: string, noteFirst = true) {
  const boundary = `----govshare-files-${Math.random().toString(36).slice(2)}`;
  const parts: Buffer[] = [];
  const noteBuf = note === undefined ? [] : [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\n${note}\r\n`)];
  if (noteFirst) parts.push(...noteBuf);
  parts.push(
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: ${file.contentType ?? 'application/octet-stream'}\r\n\r\n`),
    Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content, 'utf8'),
    Buffer.from('\r\n'),
  );
  if (!noteFirst) parts.push(...noteBuf);
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('file resources (文件): management', () => {
  let t: TestApp;
  let platform: string, gajAdmin: string, gajUser: string, scjAdmin: string, swjAdmin: string, auditor: string;
  let fileResourceId: string;

  const upload = (token: string, resourceId: string, file: { filename: string; content: Buffer | string }, note?: string, noteFirst = true) => {
    const { payload, contentType } = multipartBody(file, note, noteFirst);
    return t.app.inject({ method: 'POST', url: `/api/v1/resources/${resourceId}/files`, payload, headers: { authorization: `Bearer ${token}`, 'content-type': contentType } });
  };

  beforeAll(async () => {
    t = await createTestApp();
    [platform, gajAdmin, gajUser, scjAdmin, auditor] = await Promise.all(['platform', 'gaj_admin', 'gaj_user', 'scj_admin', 'auditor'].map((u) => t.login(u))) as [string, string, string, string, string];
    swjAdmin = await aThirdDepartmentAdmin(t);
    fileResourceId = await publishResource(t, { provider: gajAdmin, platform }, { name: '户籍管理政策文件汇编', formatClass: '电子文件', formatType: 'pdf' });
  });
  afterAll(async () => t.close());

  it('the provider admin uploads versions 1, 2, … with the SM3 computed while streaming; the note may come before or after the file', async () => {
    const first = await upload(gajAdmin, fileResourceId, { filename: '政策汇编.pdf', content: '%PDF-1.7 第一版' }, '首次发布');
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      resourceId: fileResourceId, versionNo: 1, filename: '政策汇编.pdf', contentType: 'application/pdf',
      size: Buffer.byteLength('%PDF-1.7 第一版'), sm3: sm3('%PDF-1.7 第一版'), note: '首次发布', uploadedBy: 'gaj_admin',
    });
    const second = await upload(gajAdmin, fileResourceId, { filename: 'C:\\temp\\政策汇编(修订).pdf', content: '%PDF-1.7 第二版' }, '修订', false);
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json()).toMatchObject({ versionNo: 2, filename: '政策汇编(修订).pdf', note: '修订' });

    for (const token of [gajUser, platform]) {
      const list = await t.call(token, 'GET', `/api/v1/resources/${fileResourceId}/files`);
      expect(list.statusCode).toBe(200);
      expect(list.json().items.map((v: { versionNo: number }) => v.versionNo)).toEqual([2, 1]);
    }
    const stored = await t.db.selectFrom('data_files').select(['version_no', 'content', 'sm3']).where('resource_id', '=', fileResourceId).orderBy('version_no').execute();
    expect(Buffer.from(stored[0]!.content).toString('utf8')).toBe('%PDF-1.7 第一版');
    const audit = await t.db.selectFrom('audit_events').select(['action', 'detail']).where('target_id', '=', fileResourceId).where('action', '=', 'data.file_version_added').execute();
    expect(audit).toHaveLength(2);
  });

  it('concurrent uploads get distinct, consecutive version numbers', async () => {
    const resourceId = await publishResource(t, { provider: gajAdmin, platform }, { name: '并发上传文件资源', formatClass: '电子文件', formatType: 'pdf' });
    const results = await Promise.all([1, 2, 3, 4].map((i) => upload(gajAdmin, resourceId, { filename: `v${i}.txt`, content: `内容 ${i}` })));
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201, 201]);
    expect(results.map((r) => r.json().versionNo).sort()).toEqual([1, 2, 3, 4]);
  });

  it('refuses other departments, the provider\'s plain users, and outsiders reading the list', async () => {
    for (const token of [scjAdmin, gajUser, swjAdmin, platform, auditor]) {
      const res = await upload(token, fileResourceId, { filename: 'x.pdf', content: 'x' });
      expect(res.statusCode, res.body).toBe(403);
    }
    for (const token of [scjAdmin, swjAdmin]) {
      expect((await t.call(token, 'GET', `/api/v1/resources/${fileResourceId}/files`)).statusCode).toBe(403);
    }
  });

  it('only published 文件 resources: 409 for a 库表 or 接口 resource, 404 for an unknown one', async () => {
    const tableId = await publishResource(t, { provider: gajAdmin, platform }, { name: '户籍库表（非文件）' });
    const res = await upload(gajAdmin, tableId, { filename: 'x.pdf', content: 'x' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'DATA_KIND_MISMATCH', kind: 'table' });
    expect((await t.call(gajAdmin, 'GET', `/api/v1/resources/${tableId}/files`)).json().code).toBe('DATA_KIND_MISMATCH');
    const unknown = await upload(gajAdmin, '00000000-0000-4000-8000-000000000000', { filename: 'x.pdf', content: 'x' });
    expect(unknown.json().code).toBe('DATA_RESOURCE_NOT_FOUND');
  });

  it('refuses an empty file, a missing file field and non-multipart bodies', async () => {
    expect((await upload(gajAdmin, fileResourceId, { filename: 'empty.pdf', content: '' })).json().code).toBe('FILE_INVALID');
    const noFile = await t.call(gajAdmin, 'POST', `/api/v1/resources/${fileResourceId}/files`, { note: 'x' });
    expect(noFile.json().code).toBe('VALIDATION_FAILED');
  });

  it('refuses a file over 100 MB with 413 and stores nothing', async () => {
    const before = await t.db.selectFrom('data_files').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const res = await upload(gajAdmin, fileResourceId, { filename: 'big.bin', content: Buffer.alloc(100 * 1024 * 1024 + 1, 7) });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining('文件超过 100 MB') });
    const after = await t.db.selectFrom('data_files').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  }, 60_000);
});

describe('file helpers', () => {
  it('readUpload hashes while streaming and stops at the limit', async () => {
    const ok = await readUpload(Readable.from([Buffer.from('ab'), Buffer.from('c')]), 3);
    expect(ok).toMatchObject({ size: 3, sm3: sm3('abc'), truncated: false });
    expect(ok.body.toString()).toBe('abc');
    const over = await readUpload(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), 3);
    expect(over.truncated).toBe(true);
    expect(over.body.length).toBe(0);
  });

  it('Content-Disposition carries an ASCII fallback and the RFC 5987 UTF-8 name', () => {
    expect(contentDisposition('政策(2026).pdf')).toBe(`attachment; filename="__(2026).pdf"; filename*=UTF-8''${encodeURIComponent('政策')}%282026%29.pdf`);
    expect(contentDisposition('a"b.txt')).toBe(`attachment; filename="a_b.txt"; filename*=UTF-8''a%22b.txt`);
  });
});
