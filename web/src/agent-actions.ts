// Agent operations (API.md "Agent actions"): sent over the event WebSocket as {"op","ref",…}
// when it is open, else over REST. Either way a refusal arrives as an ApiError with its code.
import type { Api } from './api.js';
import { pathSeg } from './api.js';
import type { EventStream } from './events.js';

export type AgentOp =
  | { op: 'set_state'; state: 'available' | 'idle'; reason?: string }
  | { op: 'preview_request'; campaign_id?: string }
  | { op: 'answer_reservation'; reservation_id: string }
  | { op: 'accept' | 'skip' | 'remove' | 'cancel'; offer_id: string }
  | { op: 'cancel_call' | 'end_call'; call_id: string }
  | { op: 'wrapup'; call_id: string; disposition: string; callback_at?: number; notes?: string };

export interface RestCall {
  method: 'POST';
  path: string;
  body: Record<string, unknown>;
}

export function restFor(o: AgentOp): RestCall {
  switch (o.op) {
    case 'set_state':
      return { method: 'POST', path: '/agent/state', body: o.reason ? { state: o.state, reason: o.reason } : { state: o.state } };
    case 'preview_request':
      return { method: 'POST', path: '/agent/preview-request', body: o.campaign_id ? { campaign_id: o.campaign_id } : {} };
    case 'answer_reservation':
      return { method: 'POST', path: `/reservations/${pathSeg(o.reservation_id)}/answer`, body: {} };
    case 'accept':
    case 'skip':
    case 'remove':
    case 'cancel':
      return { method: 'POST', path: `/offers/${pathSeg(o.offer_id)}/${o.op}`, body: {} };
    case 'cancel_call':
      return { method: 'POST', path: `/calls/${pathSeg(o.call_id)}/cancel`, body: {} };
    case 'end_call':
      return { method: 'POST', path: `/calls/${pathSeg(o.call_id)}/end`, body: {} };
    case 'wrapup': {
      const body: Record<string, unknown> = { disposition: o.disposition };
      if (o.callback_at !== undefined) body.callback_at = o.callback_at;
      if (o.notes) body.notes = o.notes;
      return { method: 'POST', path: `/calls/${pathSeg(o.call_id)}/wrapup`, body };
    }
  }
}

export async function perform(o: AgentOp, stream: EventStream | null, api: Api): Promise<unknown> {
  if (stream && stream.isOpen) {
    const { op, ...args } = o;
    const clean: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(args)) if (v !== undefined && v !== '') clean[k] = v;
    return stream.send(op, clean);
  }
  const r = restFor(o);
  return api.request(r.method, r.path, r.body);
}
