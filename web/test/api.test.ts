import { describe, expect, it } from 'vitest';
import { Api, ApiError } from '../src/api.js';

function fakeFetch(status: number, body: unknown, headers: Record<string, string> = {}) {
  const calls: { url: string; init?: RequestInit }[] = [];
  const f = async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    return new Response(status === 204 ? null : text, { status, headers });
  };
  return { f, calls };
}

describe('REST client', () => {
  it('sends the Bearer token and JSON to relative /api/v1 URLs', async () => {
    const { f, calls } = fakeFetch(200, { items: [] });
    const api = new Api(f);
    api.token = 'tok';
    await expect(api.post('/offers/1/accept')).resolves.toEqual({ items: [] });
    expect(calls[0].url).toBe('/api/v1/offers/1/accept');
    const h = calls[0].init!.headers as Record<string, string>;
    expect(h.Authorization).toBe('Bearer tok');
    expect(h['Content-Type']).toContain('application/json');
    expect(calls[0].init!.body).toBe('{}');
  });
  it('turns the error body into an ApiError with code and details', async () => {
    const body = { error: { code: 'TENANT_CONCURRENT_CALL_LIMIT', message: 'limit', details: [] } };
    const api = new Api(fakeFetch(409, body).f);
    const e = await api.post('/offers/1/accept').catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 409, code: 'TENANT_CONCURRENT_CALL_LIMIT', message: 'limit' });
  });
  it('signs out on 401 once it had a token', async () => {
    let out = 0;
    const api = new Api(fakeFetch(401, { error: { code: 'UNAUTHENTICATED', message: 'x' } }).f);
    api.onUnauthenticated = () => out++;
    await api.get('/agent').catch(() => undefined);
    expect(out).toBe(0); // no token: a failed login, not an expired session
    api.token = 't';
    await api.get('/agent').catch(() => undefined);
    expect(out).toBe(1);
  });
  it('answers 204 with undefined and maps network failures to UNAVAILABLE', async () => {
    await expect(new Api(fakeFetch(204, undefined).f).put('/dnc/tenant/%2B1')).resolves.toBeUndefined();
    const broken = new Api(async () => {
      throw new TypeError('fetch failed');
    });
    await expect(broken.get('/x')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
  it('learns the server clock skew from the Date header', async () => {
    const ahead = new Date(Date.now() + 60_000).toUTCString();
    const api = new Api(fakeFetch(200, {}, { Date: ahead }).f);
    await api.get('/tenant');
    expect(api.skewMs).toBeGreaterThan(55_000);
    expect(api.skewMs).toBeLessThan(62_000);
  });
});

import { perform } from '../src/agent-actions.js';
import type { EventStream } from '../src/events.js';

describe('agent operations: WebSocket when open, else REST', () => {
  it('uses REST while the socket is down', async () => {
    const { f, calls } = fakeFetch(200, { ok: true });
    const api = new Api(f);
    const closed = { isOpen: false, send: () => Promise.reject(new Error('must not be used')) } as unknown as EventStream;
    await perform({ op: 'end_call', call_id: '42' }, closed, api);
    expect(calls[0].url).toBe('/api/v1/calls/42/end');
    expect(calls[0].init!.method).toBe('POST');
  });
  it('uses the socket when open, leaving out empty arguments', async () => {
    const sent: unknown[] = [];
    const open = { isOpen: true, send: (op: string, args: unknown) => (sent.push([op, args]), Promise.resolve({ ok: true })) } as unknown as EventStream;
    await perform({ op: 'wrapup', call_id: '7', disposition: 'sale', notes: '' }, open, new Api(fakeFetch(500, {}).f));
    expect(sent).toEqual([['wrapup', { call_id: '7', disposition: 'sale' }]]);
  });
});
