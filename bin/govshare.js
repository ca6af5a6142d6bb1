#!/usr/bin/env node
// The `govshare` command. Runs the compiled CLI (built by `npm install` / `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/server/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(compiled))) {
  console.error('govshare is not built yet: run `npm run build` (npm install does it for you).');
  process.exit(1);
}
const { main } = await import(compiled.href);
process.exitCode = await main(process.argv.slice(2));
