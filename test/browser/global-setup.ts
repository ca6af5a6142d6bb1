import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const webDir = path.join(repoRoot, 'web');
const builtIndex = path.join(repoRoot, 'dist', 'web', 'index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** The server files the console imports as `@shared/*` (src/modules/*; see web/vite.config.ts). */
function sharedFiles(dir: string): string[] {
  const files = new Set<string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      for (const f of sharedFiles(full)) files.add(f);
    } else if (/\.tsx?$/.test(entry.name)) {
      for (const m of readFileSync(full, 'utf8').matchAll(/from '@shared\/([^']+)'/g)) {
        files.add(path.join(repoRoot, 'src', 'modules', `${m[1]}.ts`));
      }
    }
  }
  return [...files];
}

/** Builds the console when dist/web is missing or older than any file under web/ or any shared server file. */
export default function setup(): void {
  const newestSource = Math.max(newestMtime(webDir), ...sharedFiles(path.join(webDir, 'src')).map((f) => statSync(f).mtimeMs));
  if (existsSync(builtIndex) && statSync(builtIndex).mtimeMs >= newestSource) return;
  const vite = path.join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  execFileSync(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: repoRoot,
    stdio: 'inherit',
    // Vitest sets NODE_ENV=test, which would make Vite emit development builds of React and antd.
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
