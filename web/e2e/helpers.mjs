// Shared set-up of the browser tests: start the real `outdial` binary (OUTDIAL_BIN) on a free
// port with a temporary SQLite database, launch the Debian Chromium through playwright-core
// with a fresh profile, and small API helpers for arranging scenarios (API.md).
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const SCREENSHOTS = resolve(here, '..', '..', 'artifacts', 'screenshots');

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

// Starts `outdial serve --demo --config <tmp toml>`; `rules` are [telephony.sim] rules.
export async function startServer({ rules, extraToml = '' } = {}) {
  const bin = process.env.OUTDIAL_BIN;
  if (!bin) throw new Error('set OUTDIAL_BIN to the outdial binary');
  const dir = mkdtempSync(join(tmpdir(), 'outdial-e2e-'));
  const port = await freePort();
  const ruleLines = (rules ?? [{ match: '*', outcome: 'answer', after_ms: 1500 }])
    .map((r) => `  { match = "${r.match}", outcome = "${r.outcome}", after_ms = ${r.after_ms ?? 1000} },`)
    .join('\n');
  // The pages under test are this checkout's build (web/dist), wherever the binary lives.
  const webRoot = process.env.OUTDIAL_WEB_ROOT ?? resolve(here, '..', 'dist');
  const toml = `[server]
listen = "127.0.0.1:${port}"
web_root = ${JSON.stringify(webRoot)}
[database]
url = "sqlite://${dir}/outdial.db"
[telephony]
driver = "sim"
[telephony.sim]
rules = [
${ruleLines}
]
${extraToml}
`;
  const cfg = join(dir, 'outdial.toml');
  writeFileSync(cfg, toml);
  const child = spawn(bin, ['serve', '--demo', '--config', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`outdial did not print its URL within 20 s:\n${out}`)), 20_000);
    const onData = (d) => {
      out += d.toString();
      const m = out.match(/https?:\/\/[0-9A-Za-z.:[\]-]+(?::\d+)?\/?/);
      if (m) {
        clearTimeout(timer);
        ok(m[0].replace(/\/?$/, ''));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`outdial exited with ${code}:\n${out}`));
    });
  });
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((ok) => {
        const t = setTimeout(() => (child.kill('SIGKILL'), ok()), 5000);
        child.on('exit', () => (clearTimeout(t), ok()));
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, stop, log: () => out };
}

export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'outdial-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1360, height: 860 },
    locale: 'en-US',
  });
  context.setDefaultTimeout(15_000);
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}

export async function shot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export async function login(page, url, username, password, tenant = 'demo') {
  await page.goto(url + '/');
  await page.getByTestId('login-tenant').fill(tenant);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

// REST client for arranging a scenario as the demo admin.
export async function adminApi(url) {
  const call = async (method, path, body, token) => {
    const res = await fetch(url + '/api/v1' + path, {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return data;
  };
  const { token } = await call('POST', '/login', { tenant: 'demo', username: 'admin', password: 'admin' });
  const api = {
    get: (p) => call('GET', p, undefined, token),
    post: (p, b = {}) => call('POST', p, b, token),
    patch: (p, b) => call('PATCH', p, b, token),
    async campaigns() {
      return (await api.get('/campaigns')).items;
    },
    // Pauses every running campaign so that a test's own campaign is the only work.
    async pauseAll() {
      for (const c of await api.campaigns()) if (c.status === 'running') await api.post(`/campaigns/${c.id}/pause`);
    },
    // Creates and starts a campaign with contacts (numbers chosen to match the sim rules).
    async campaign(settings, contacts) {
      const allDay = ['00:00-24:00'];
      const c = await api.post('/campaigns', {
        priority: 10,
        calling_window: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay, holidays: [] },
        ...settings,
      });
      const r = await api.post(`/campaigns/${c.id}/contacts`, { contacts });
      if (r.accepted !== contacts.length) throw new Error(`import: ${JSON.stringify(r)}`);
      await api.post(`/campaigns/${c.id}/start`);
      return c;
    },
  };
  return api;
}

export const contact = (name, number, fields = {}) => ({ name, phones: [{ number }], timezone: 'America/New_York', fields });

// Polls until `fn` returns a truthy value (or throws the last failure after `ms`).
export async function until(fn, what, ms = 15_000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function textOf(locator) {
  return ((await locator.textContent()) ?? '').trim();
}

export async function waitText(locator, re, what, ms) {
  return until(async () => re.test(await textOf(locator)), `${what ?? 'text'} ~ ${re}`, ms);
}

// A fresh agent user of its own team, so that each test's campaign is the only work it gets.
let counter = 0;
export async function newAgent(api, station = 'sim:auto') {
  const n = `${Date.now().toString(36)}${++counter}`;
  const team = `team-${n}`;
  const username = `e2e-${n}`;
  await api.post('/users', { username, password: 'agent-pw', role: 'agent', team, station });
  return { username, password: 'agent-pw', team };
}
