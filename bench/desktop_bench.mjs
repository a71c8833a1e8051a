// Agent desktop figures (issue 4): the gzip size of the built JavaScript (web/dist, after
// `bash scripts/web.sh`) — all of it, and what an agent's browser actually fetches — and the time
// from the click on login-submit to an interactive desktop (agent-state shows a logged-in state,
// from the WebSocket snapshot, and state-available is enabled), in headless /usr/bin/chromium via
// playwright-core against `outdial serve --demo` (memory: database, simulated telephony).
// Both instants are taken in the page (performance.now(): a capture click listener, and a check
// polled every 4 ms), so CDP round trips do not count. Each run uses a fresh browser context
// (cold cache), then the same page again after signing out (warm cache). Median of RUNS (10).
// Two series: the production password hash (argon2id "interactive", 64 MiB: most of the login
// answer's time) and `password_hash = "minimal"` (what is left: the page's own work).
//   bash scripts/web.sh && node bench/desktop_bench.mjs     # OUTDIAL_BIN=build/release/outdial
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const webDir = resolve(here, '..', 'web');
const { chromium } = createRequire(join(webDir, 'package.json'))('playwright-core');
const RUNS = Number(process.env.RUNS ?? 10);
const BIN = process.env.OUTDIAL_BIN ?? resolve(here, '..', 'build', 'release', 'outdial');

const kb = (n) => (n / 1000).toFixed(1); // kB as Vite prints them
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// --- bundle sizes ---
const assets = join(webDir, 'dist', 'assets');
const gz = new Map();
for (const f of readdirSync(assets).filter((f) => f.endsWith('.js') || f.endsWith('.css'))) {
  const raw = readFileSync(join(assets, f));
  gz.set(f, { raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length });
}
const sum = (pred) => [...gz].filter(([f]) => pred(f)).reduce((a, [, s]) => a + s.gzip, 0);
const allJs = sum((f) => f.endsWith('.js'));
const css = sum((f) => f.endsWith('.css'));
for (const [f, s] of gz) console.log(`  ${f}: ${kb(s.raw)} kB raw, ${kb(s.gzip)} kB gzip`);

async function startServer(passwordHash) {
  const dir = mkdtempSync(join(tmpdir(), 'outdial-desktop-bench-'));
  const cfg = join(dir, 'outdial.toml');
  writeFileSync(cfg, `[server]
listen = "127.0.0.1:0"
web_root = ${JSON.stringify(join(webDir, 'dist'))}
password_hash = "${passwordHash}"
[log]
level = "warn"
[database]
url = "memory:"
`);
  const child = spawn(BIN, ['serve', '--demo', '--config', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`outdial did not start:\n${out}`)), 20_000);
    const onData = (d) => {
      out += d.toString();
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (m) (clearTimeout(timer), ok(m[0]));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => (clearTimeout(timer), fail(new Error(`outdial exited with ${code}:\n${out}`))));
  });
  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise((ok) => child.exitCode !== null ? ok() : child.on('exit', ok));
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, stop };
}

const fetched = new Set();

// In the page: the instant of the click on login-submit, and the first check that finds the
// desktop interactive (the test ids are inside shadow roots, so the query walks them).
const INSTRUMENT = () => {
  window.__bench = { t0: null, t1: null };
  document.addEventListener('click', (e) => {
    if (e.composedPath().some((n) => n.dataset?.testid === 'login-submit')) window.__bench.t0 = performance.now();
  }, true);
};
const READY = () => {
  const find = (root, sel) => {
    const hit = root.querySelector(sel);
    if (hit) return hit;
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) {
        const h = find(el.shadowRoot, sel);
        if (h) return h;
      }
    }
    return null;
  };
  const state = find(document, '[data-testid="agent-state"]');
  const button = find(document, '[data-testid="state-available"]');
  if (state && state.dataset.state !== 'logged_out' && button && !button.disabled) {
    window.__bench.t1 ??= performance.now();
    return true;
  }
  return false;
};

async function signIn(page) {
  await page.getByTestId('login-submit').waitFor();
  await page.evaluate(INSTRUMENT);
  await page.getByTestId('login-tenant').fill('demo');
  await page.getByTestId('login-username').fill('agent1');
  await page.getByTestId('login-password').fill('agent');
  await page.getByTestId('login-submit').click();
  await page.waitForFunction(READY, null, { polling: 4, timeout: 15_000 });
  const { t0, t1 } = await page.evaluate(() => window.__bench);
  return t1 - t0;
}

async function series(passwordHash) {
  const server = await startServer(passwordHash);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const cold = [];
  const warm = [];
  const loginMs = [];
  try {
    for (let i = 0; i < RUNS; ++i) {
      const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, locale: 'en-US' });
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      page.on('response', (r) => {
        const m = r.url().match(/\/assets\/([^/?]+\.(?:js|css))/);
        if (m) fetched.add(m[1]);
      });
      await page.goto(server.url + '/');
      cold.push(await signIn(page));
      // The login request alone, timed by the page's own fetch, for the breakdown.
      loginMs.push(await page.evaluate(async () => {
        const t = performance.now();
        await fetch('/api/v1/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ tenant: 'demo', username: 'agent1', password: 'agent' }) });
        return performance.now() - t;
      }));
      // Warm: sign out (the stored session goes), load the page again from the cache, sign in.
      await page.evaluate(() => (localStorage.clear(), sessionStorage.clear()));
      await page.reload();
      warm.push(await signIn(page));
      await context.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  const f = (xs) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
  console.log(`password_hash=${passwordHash}: login click → interactive desktop, ${RUNS} runs: cold ${f(cold)}; warm ${f(warm)}; POST /login alone ${f(loginMs)}`);
  return { cold: cold.map(Math.round), warm: warm.map(Math.round), login_request: loginMs.map(Math.round) };
}

const results = {};
for (const hash of (process.env.HASHES ?? 'interactive,minimal').split(',')) results[hash] = await series(hash);
const agentJs = sum((f) => fetched.has(f) && f.endsWith('.js'));
console.log(`JavaScript gzip -9: all ${kb(allJs)} kB; an agent's browser fetches ${kb(agentJs)} kB of it (${[...fetched].filter((f) => f.endsWith('.js')).join(', ')}); CSS ${kb(css)} kB more (with CSS: all ${kb(allJs + css)} kB, agent ${kb(agentJs + css)} kB)`);
console.log(JSON.stringify({ js_gzip_all_kb: +kb(allJs), js_gzip_agent_kb: +kb(agentJs), css_gzip_kb: +kb(css), login_to_interactive_ms: results }));
