import { describe, expect, it } from 'vitest';
import { backoffDelay, EventStream, eventsUrl, type WebSocketLike } from '../src/events.js';
import { initialAgentModel, reduceAgent, type AgentModel } from '../src/agent-model.js';
import type { ServerEvent } from '../src/types.js';

class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  sent: string[] = [];
  constructor(readonly url: string) {}
  send(d: string) {
    this.sent.push(d);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  frame(o: unknown) {
    this.onmessage?.({ data: typeof o === 'string' ? o : JSON.stringify(o) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
}

function harness() {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number; id: number }[] = [];
  let nextId = 1;
  let model: AgentModel = initialAgentModel();
  const statuses: string[] = [];
  const stream = new EventStream({
    url: () => eventsUrl('tok en', { protocol: 'http:', host: 'h:1' }),
    onEvent: (ev: ServerEvent) => (model = reduceAgent(model, ev, 0)),
    onStatus: (s) => statuses.push(s),
    createSocket: (u) => {
      const s = new FakeSocket(u);
      sockets.push(s);
      return s;
    },
    setTimer: (fn, ms) => {
      const id = nextId++;
      timers.push({ fn, ms, id });
      return id;
    },
    clearTimer: (h) => {
      const i = timers.findIndex((t) => t.id === h);
      if (i >= 0) timers.splice(i, 1);
    },
    random: () => 0.5,
    initialBackoffMs: 500,
    maxBackoffMs: 8000,
  });
  const fireReconnect = () => {
    const t = timers.shift()!;
    t.fn();
    return t.ms;
  };
  return { stream, sockets, timers, statuses, model: () => model, fireReconnect };
}

describe('event stream', () => {
  it('builds the URL with the token', () => {
    expect(eventsUrl('a b', { protocol: 'https:', host: 'x' })).toBe('wss://x/api/v1/events?token=a%20b');
  });

  it('backs off exponentially with a cap', () => {
    const r = () => 0.5;
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, 500, 8000, r))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
    expect(backoffDelay(0, 1000, 8000, () => 0)).toBe(800);
    expect(backoffDelay(0, 1000, 8000, () => 1)).toBe(1200);
  });

  it('reconnects after a drop and restores the state from the snapshot', () => {
    const h = harness();
    h.stream.start();
    expect(h.sockets[0].url).toBe('ws://h:1/api/v1/events?token=tok%20en');
    h.sockets[0].open();
    h.sockets[0].frame({ type: 'snapshot', state: 'available', reason: null, reservation: null, offer: null, call: null });
    expect(h.stream.isOpen).toBe(true);
    h.sockets[0].frame({ type: 'agent.state', agent_id: 'a1', state: 'reserved', reason: null, since: 1 });
    expect(h.model().state).toBe('reserved');

    h.sockets[0].drop();
    expect(h.stream.isOpen).toBe(false);
    expect(h.stream.status).toBe('closed');
    // first retry fails before any snapshot: the delay doubles
    expect(h.fireReconnect()).toBe(500);
    h.sockets[1].drop();
    expect(h.fireReconnect()).toBe(1000);
    h.sockets[2].open();
    // while disconnected the agent was offered a contact: the snapshot brings it
    h.sockets[2].frame({
      type: 'snapshot',
      state: 'previewing',
      reason: null,
      reservation: { reservation_id: 'r1', campaign_id: 'c1', state: 'answered' },
      offer: {
        offer_id: 'o9',
        campaign: { id: 'c1', name: 'n', description: 'd', mode: 'preview_standard' },
        contact: { id: 'k', name: 'Grace', phone: '+1', fields: {} },
        expires_at: 5,
        timeout_action: 'skip',
        actions: { accept: true, skip: true, remove: true, cancel: true },
      },
      call: null,
    });
    expect(h.model().state).toBe('previewing');
    expect(h.model().offer?.contact.name).toBe('Grace');
    expect(h.stream.status).toBe('open');
    // after a good snapshot the backoff starts over
    h.sockets[2].drop();
    expect(h.fireReconnect()).toBe(500);
  });

  it('resolves operations by their ack and rejects refusals with the code', async () => {
    const h = harness();
    h.stream.start();
    h.sockets[0].open();
    h.sockets[0].frame({ type: 'snapshot', state: 'idle', reason: null });
    const ok = h.stream.send('set_state', { state: 'available' });
    const bad = h.stream.send('skip', { offer_id: 'o1' });
    const [f1, f2] = h.sockets[0].sent.map((s) => JSON.parse(s));
    expect(f1).toMatchObject({ op: 'set_state', state: 'available' });
    expect(f2).toMatchObject({ op: 'skip', offer_id: 'o1' });
    expect(f1.ref).not.toBe(f2.ref);
    h.sockets[0].frame({ type: 'ack', ref: f2.ref, ok: false, error: { code: 'ACTION_DISABLED', message: 'disabled' } });
    h.sockets[0].frame({ type: 'ack', ref: f1.ref, ok: true });
    await expect(ok).resolves.toMatchObject({ ok: true });
    await expect(bad).rejects.toMatchObject({ code: 'ACTION_DISABLED' });
  });

  it('rejects pending operations when the connection drops, and ignores junk frames', async () => {
    const h = harness();
    h.stream.start();
    h.sockets[0].open();
    h.sockets[0].frame({ type: 'snapshot', state: 'idle', reason: null });
    h.sockets[0].frame('not json');
    h.sockets[0].frame({ no: 'type' });
    const p = h.stream.send('end_call', { call_id: 'x' });
    h.sockets[0].drop();
    await expect(p).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(h.stream.send('end_call', { call_id: 'x' })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('stops reconnecting after stop()', () => {
    const h = harness();
    h.stream.start();
    h.sockets[0].drop();
    expect(h.timers).toHaveLength(1);
    h.stream.stop();
    expect(h.timers).toHaveLength(0);
  });
});
