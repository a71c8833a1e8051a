// Agent desktop figures (issue 4): the gzip size of the built JavaScript (web/dist, after
// `bash scripts/web.sh`) — all of it, and what an agent's browser actually fetches — and the time
// from the click on login-submit to an interactive desktop (agent-state shows a logged-in state,
// from the WebSocket snapshot, and state-available is enabled), in headless /usr/bin/chromium via
// playwright-core against `outdial serve --demo` (started as the e2e tests do, web/e2e/helpers.mjs).
// Each run uses a fresh browser context (cold cache) and, after it, the same page again (warm
// cache: sign out, sign in). Median of RUNS (default 10).
//   bash scripts/web.sh && OUTDIAL_BIN=build/release/outdial node bench/desktop_bench.mjs
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { startServer } from '../web/e2e/helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const webDir = resolve(here, '..', 'web');
const { chromium } = createRequire(join(webDir, 'package.json'))('playwright-core');
const RUNS = Number(process.env.RUNS ?? 10);
process.env.OUTDIAL_BIN ??= resolve(here, '..', 'build', 'release', 'outdial');

const kb = (n) => (n / 1024).toFixed(1);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// --- bundle sizes ---
const assets = join(webDir, 'dist', 'assets');
const gz = new Map();
for (const f of readdirSync(assets).filter((f) => f.endsWith('.js'))) {
  const raw = readFileSync(join(assets, f));
  gz.set(f, { raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length });
}
const allGzip = [...gz.values()].reduce((a, b) => a + b.gzip, 0);
for (const [f, s] of gz) console.log(`  ${f}: ${kb(s.raw)} KB raw, ${kb(s.gzip)} KB gzip`);

// --- login → interactive ---
const server = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const fetchedJs = new Set();
const cold = [];
const warm = [];
try {
  const signIn = async (page) => {
    await page.getByTestId('login-tenant').fill('demo');
    await page.getByTestId('login-username').fill('agent1');
    await page.getByTestId('login-password').fill('agent');
    const t0 = performance.now();
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid="agent-state"]:not([data-state="logged_out"])').waitFor();
    await page.locator('[data-testid="state-available"]:enabled').waitFor();
    return performance.now() - t0;
  };
  for (let i = 0; i < RUNS; ++i) {
    const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, locale: 'en-US' });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.on('response', (r) => {
      const m = r.url().match(/\/assets\/([^/?]+\.js)/);
      if (m) fetchedJs.add(m[1]);
    });
    await page.goto(server.url + '/');
    await page.getByTestId('login-submit').waitFor();
    cold.push(await signIn(page));
    // Warm: the same browser signs out (session gone) and in again, modules and cache loaded.
    await page.evaluate(() => localStorage.clear());
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(server.url + '/');
    await page.reload();
    await page.getByTestId('login-submit').waitFor();
    warm.push(await signIn(page));
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
const agentGzip = [...fetchedJs].reduce((a, f) => a + (gz.get(f)?.gzip ?? 0), 0);
console.log(`JavaScript gzip: all ${kb(allGzip)} KB (${gz.size} files); an agent's browser fetches ${kb(agentGzip)} KB (${[...fetchedJs].join(', ')})`);
console.log(`login click → interactive desktop, ${RUNS} runs: cold context median ${median(cold).toFixed(0)} ms (min ${Math.min(...cold).toFixed(0)}, max ${Math.max(...cold).toFixed(0)}); warm median ${median(warm).toFixed(0)} ms (min ${Math.min(...warm).toFixed(0)}, max ${Math.max(...warm).toFixed(0)})`);
console.log(JSON.stringify({ js_gzip_all_kb: +kb(allGzip), js_gzip_agent_kb: +kb(agentGzip), login_to_interactive_ms: { cold: cold.map(Math.round), warm: warm.map(Math.round) } }));
