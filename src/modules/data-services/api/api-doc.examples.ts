/** Per-resource examples for the API page (接口文档): a curl with placeholders and a complete TypeScript client. */
export interface ExampleInput {
  method: 'GET' | 'POST';
  /** Path with the resource code, e.g. `/api/v1/data/101002001/000123`. */
  path: string;
  query: Record<string, string>;
  body: unknown;
}

const enc = (q: Record<string, string>) => Object.entries(q).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

/** curl cannot compute HMAC-SM3 by itself: the signature is a placeholder the TypeScript example computes. */
export function curlExample(origin: string, e: ExampleInput): string {
  const qs = enc(e.query);
  const lines = [
    `curl -X ${e.method} '${origin}${e.path}${qs ? `?${qs}` : ''}' \\`,
    `  -H 'X-App-Key: <应用标识 appKey>' \\`,
    `  -H "X-Timestamp: $(date +%s%3N)" \\`,
    `  -H 'X-Nonce: <每次不同的随机串，8–128 个可打印字符>' \\`,
    `  -H 'X-Signature: <HMAC-SM3(appSecret, 待签名串)，见 docs/data-api-signing.md>'`,
  ];
  if (e.body !== undefined) {
    lines[lines.length - 1] += ' \\';
    lines.push(`  -H 'Content-Type: application/json' \\`, `  --data '${JSON.stringify(e.body)}'`);
  }
  return lines.join('\n');
}

/** A complete Node 20 client (node:crypto has SM3) that signs and calls this resource's operation. */
export function typescriptExample(origin: string, e: ExampleInput): string {
  const body = e.body === undefined ? "''" : `JSON.stringify(${JSON.stringify(e.body, null, 2).replace(/\n/g, '\n  ')})`;
  return `// Node 20+: npx tsx call.ts   (APP_KEY / APP_SECRET from the console's 应用 page)
import { createHash, createHmac, randomUUID } from 'node:crypto';

const BASE = process.env.GOVSHARE_URL ?? '${origin}';
const APP_KEY = process.env.APP_KEY ?? '<appKey>';
const APP_SECRET = process.env.APP_SECRET ?? '<appSecret>';

function canonicalQuery(params: URLSearchParams): string {
  return [...params.entries()]
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([n, v]) => \`\${encodeURIComponent(n)}=\${encodeURIComponent(v)}\`)
    .join('&');
}

async function call(method: 'GET' | 'POST', pathAndQuery: string, body = ''): Promise<unknown> {
  const url = new URL(pathAndQuery, BASE);
  const timestamp = String(Date.now());
  const nonce = randomUUID();
  const toSign = [method, decodeURIComponent(url.pathname), canonicalQuery(url.searchParams), timestamp, nonce,
    createHash('sm3').update(body).digest('hex')].join('\\n');
  const signature = createHmac('sm3', APP_SECRET).update(toSign).digest('hex');
  const response = await fetch(url, {
    method,
    headers: { 'X-App-Key': APP_KEY, 'X-Timestamp': timestamp, 'X-Nonce': nonce, 'X-Signature': signature,
      ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body || undefined,
  });
  const result = await response.json();
  if (!response.ok) throw new Error(\`\${response.status} \${JSON.stringify(result)}\`);
  return result;
}

const query = new URLSearchParams(${JSON.stringify(e.query)});
const path = '${e.path}' + (query.size ? \`?\${query}\` : '');
console.log(JSON.stringify(await call('${e.method}', path, ${body}), null, 2));
`;
}
