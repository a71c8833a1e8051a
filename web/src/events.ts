// The event WebSocket (/api/v1/events?token=…, API.md): delivers server frames, sends agent
// operations as {"op","ref",…} and resolves each with its `ack`, and reconnects by itself with
// exponential backoff. Every (re)connect starts with a `snapshot` frame, which restores state.
import { ApiError } from './api.js';
import type { ServerEvent } from './types.js';

export type StreamStatus = 'connecting' | 'open' | 'closed';

export interface WebSocketLike {
  readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface EventStreamOptions {
  url: () => string;
  onEvent: (ev: ServerEvent) => void;
  onStatus?: (status: StreamStatus, attempt: number) => void;
  // Called after this many failed connects in a row, e.g. to check whether the token still works.
  onRepeatedFailure?: (failures: number) => void;
  createSocket?: (url: string) => WebSocketLike;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  random?: () => number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  ackTimeoutMs?: number;
}

interface Pending {
  resolve: (v: Record<string, unknown>) => void;
  reject: (e: ApiError) => void;
  timer: unknown;
}

const OPEN = 1;

// Delay before reconnect attempt `n` (0-based): doubling from `initial`, capped at `max`,
// with ±20 % jitter so that many desktops do not reconnect in lockstep after a server restart.
export function backoffDelay(n: number, initial: number, max: number, random: () => number): number {
  const base = Math.min(max, initial * 2 ** Math.min(n, 20));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export class EventStream {
  private socket: WebSocketLike | null = null;
  private stopped = true;
  private failures = 0;
  private reconnectTimer: unknown = null;
  private refCounter = 0;
  private readonly pending = new Map<string, Pending>();
  private gotSnapshot = false;
  status: StreamStatus = 'closed';

  constructor(private readonly o: EventStreamOptions) {}

  private get setTimer() {
    return this.o.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  }
  private get clearTimer() {
    return this.o.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.reconnectTimer !== null) this.clearTimer(this.reconnectTimer);
    this.reconnectTimer = null;
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onclose = s.onerror = s.onmessage = s.onopen = null;
      try {
        s.close(1000, 'logout');
      } catch {
        /* already closed */
      }
    }
    this.failAll('UNAVAILABLE', 'connection closed');
    this.setStatus('closed');
  }

  get isOpen(): boolean {
    return this.socket !== null && this.socket.readyState === OPEN && this.gotSnapshot;
  }

  // Sends an operation and resolves with its ack (ok:true) or rejects with the ack's error.
  send(op: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const s = this.socket;
    if (!s || s.readyState !== OPEN) return Promise.reject(new ApiError(0, 'UNAVAILABLE', 'not connected'));
    const ref = `r${++this.refCounter}-${Date.now().toString(36)}`;
    return new Promise((resolve, reject) => {
      const timer = this.setTimer(() => {
        this.pending.delete(ref);
        reject(new ApiError(0, 'UNAVAILABLE', 'no answer from the server'));
      }, this.o.ackTimeoutMs ?? 15000);
      this.pending.set(ref, { resolve, reject, timer });
      try {
        s.send(JSON.stringify({ ...args, op, ref }));
      } catch {
        this.clearTimer(timer);
        this.pending.delete(ref);
        reject(new ApiError(0, 'UNAVAILABLE', 'send failed'));
      }
    });
  }

  private setStatus(s: StreamStatus): void {
    this.status = s;
    this.o.onStatus?.(s, this.failures);
  }

  private connect(): void {
    if (this.stopped) return;
    this.reconnectTimer = null;
    this.gotSnapshot = false;
    this.setStatus('connecting');
    let socket: WebSocketLike;
    try {
      socket = this.o.createSocket
        ? this.o.createSocket(this.o.url())
        : (new WebSocket(this.o.url()) as unknown as WebSocketLike);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onmessage = (ev) => this.onMessage(ev.data);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.failAll('UNAVAILABLE', 'connection lost');
      this.scheduleReconnect();
    };
    socket.onerror = () => {
      /* onclose follows */
    };
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.setStatus('closed');
    const delay = backoffDelay(
      this.failures,
      this.o.initialBackoffMs ?? 500,
      this.o.maxBackoffMs ?? 15000,
      this.o.random ?? Math.random,
    );
    this.failures++;
    if (this.failures >= 3 && this.o.onRepeatedFailure) this.o.onRepeatedFailure(this.failures);
    this.reconnectTimer = this.setTimer(() => this.connect(), delay);
  }

  private onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let ev: ServerEvent;
    try {
      ev = JSON.parse(data) as ServerEvent;
    } catch {
      return; // a malformed frame changes nothing
    }
    if (!ev || typeof ev !== 'object' || typeof (ev as { type?: unknown }).type !== 'string') return;
    if (ev.type === 'ack') {
      const p = this.pending.get(ev.ref);
      if (!p) return;
      this.pending.delete(ev.ref);
      this.clearTimer(p.timer);
      if (ev.ok) p.resolve(ev as unknown as Record<string, unknown>);
      else p.reject(new ApiError(409, ev.error?.code ?? 'INTERNAL', ev.error?.message ?? '', ev.error?.details ?? []));
      return;
    }
    if (ev.type === 'snapshot') {
      this.gotSnapshot = true;
      this.failures = 0; // only a snapshot proves the connection works
      this.setStatus('open');
    }
    this.o.onEvent(ev);
  }

  private failAll(code: string, message: string): void {
    for (const [ref, p] of this.pending) {
      this.clearTimer(p.timer);
      p.reject(new ApiError(0, code, message));
      this.pending.delete(ref);
    }
  }
}

export function eventsUrl(token: string, loc: { protocol: string; host: string } = location): string {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${loc.host}/api/v1/events?token=${encodeURIComponent(token)}`;
}
