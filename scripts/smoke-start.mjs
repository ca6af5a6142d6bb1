// Runs `npm start` on an empty data directory, as a newcomer would, and checks that the platform
// answers /healthz, serves the console, and accepts a demo login. Prints the start-up time.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'govshare-smoke-'));
const port = 18000 + Math.floor(Math.random() * 1000);
const started = Date.now();
const child = spawn('npm', ['start'], {
  env: { ...process.env, GOVSHARE_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'inherit'],
  detached: true,
});
let output = '';
child.stdout.on('data', (chunk) => { output += chunk; });

const base = `http://127.0.0.1:${port}`;
const stop = () => { try { process.kill(-child.pid, 'SIGTERM'); } catch {} rmSync(dataDir, { recursive: true, force: true }); };
try {
  let healthy = false;
  for (let i = 0; i < 240 && !healthy; i++) {
    await new Promise((r) => setTimeout(r, 250));
    healthy = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
  }
  if (!healthy) throw new Error(`no /healthz after 60 s; output:\n${output}`);
  const readyMs = Date.now() - started;
  const page = await (await fetch(`${base}/`)).text();
  if (!page.includes('<div id="root"')) throw new Error('the console is not served at /');
  const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'platform', password: 'Govshare@2026' }) });
  if (login.status !== 200) throw new Error(`demo login failed: ${login.status}`);
  if (!output.includes('Demo accounts')) throw new Error(`start-up output does not list the demo accounts:\n${output}`);
  console.log(`npm start on an empty data dir: healthy after ${readyMs} ms; console served; demo login works`);
} finally {
  stop();
}
