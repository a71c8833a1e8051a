// The agent desktop's state: a pure reducer from the events of /api/v1/events (API.md) to what
// the desktop shows. The server is the only source of truth; the desktop never infers a state
// change the server did not send (e.g. it never performs the offer timeout itself).
import type { AgentStateName, Call, Offer, OfferAction, Reservation, ServerEvent, Wrapup } from './types.js';

export interface LatestReason {
  code: string;
  message?: string;
  at: number;
  source: 'notice' | 'attempt' | 'reservation' | 'state' | 'action';
}

export interface ClosedOffer {
  offer_id: string;
  action: OfferAction;
  by: string;
  at: number;
}

export interface AgentModel {
  agentId: string | null;
  state: AgentStateName;
  reason: string | null;
  since: number | null;
  reservation: Reservation | null;
  offer: Offer | null;
  // The accepted offer whose call the task card shows (campaign description, contact details).
  task: Offer | null;
  call: Call | null;
  wrapup: Wrapup | null;
  latest: LatestReason | null;
  lastClosed: ClosedOffer | null;
  snapshotAt: number | null;
}

export function initialAgentModel(): AgentModel {
  return {
    agentId: null,
    state: 'logged_out',
    reason: null,
    since: null,
    reservation: null,
    offer: null,
    task: null,
    call: null,
    wrapup: null,
    latest: null,
    lastClosed: null,
    snapshotAt: null,
  };
}

const AGENT_STATES: readonly string[] = [
  'logged_out',
  'idle',
  'available',
  'reserved',
  'previewing',
  'dialing',
  'ringing',
  'connected',
  'wrap_up',
];

// States in which the agent is not handling a contact: the campaign icon is enabled.
export function isFreeState(state: AgentStateName): boolean {
  return state === 'idle' || state === 'available';
}

function obj(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

// Snapshot sub-objects: accept `id` where the event uses `<thing>_id`, so a snapshot built from
// the same structs as REST answers still reads.
export function normalizeReservation(v: unknown): Reservation | null {
  const o = obj(v);
  if (!o) return null;
  const id = (o.reservation_id ?? o.id) as string | undefined;
  if (!id) return null;
  return { ...(o as unknown as Reservation), reservation_id: String(id) };
}

export function normalizeOffer(v: unknown): Offer | null {
  const o = obj(v);
  if (!o) return null;
  const id = (o.offer_id ?? o.id) as string | undefined;
  if (!id) return null;
  const actions = obj(o.actions) ?? {};
  const campaign = obj(o.campaign) ?? {};
  const contact = obj(o.contact) ?? {};
  return {
    ...(o as unknown as Offer),
    offer_id: String(id),
    expires_at: typeof o.expires_at === 'number' ? o.expires_at : null,
    campaign: {
      id: String(campaign.id ?? o.campaign_id ?? ''),
      name: String(campaign.name ?? ''),
      description: String(campaign.description ?? ''),
      mode: (campaign.mode ?? 'preview_standard') as Offer['campaign']['mode'],
    },
    contact: {
      id: String(contact.id ?? o.contact_id ?? ''),
      name: String(contact.name ?? ''),
      phone: String(contact.phone ?? ''),
      fields: (obj(contact.fields) ?? {}) as Record<string, unknown>,
    },
    actions: {
      accept: actions.accept !== false,
      skip: actions.skip === true,
      remove: actions.remove === true,
      cancel: actions.cancel === true,
    },
  };
}

export function normalizeCall(v: unknown): Call | null {
  const o = obj(v);
  if (!o) return null;
  const id = (o.call_id ?? o.id) as string | undefined;
  if (!id) return null;
  return { ...(o as unknown as Call), call_id: String(id), can_cancel: o.can_cancel === true };
}

export function normalizeWrapup(v: unknown): Wrapup | null {
  const o = obj(v);
  if (!o) return null;
  const id = (o.call_id ?? o.id) as string | undefined;
  if (!id) return null;
  return {
    call_id: String(id),
    dispositions: Array.isArray(o.dispositions) ? (o.dispositions as Wrapup['dispositions']) : [],
    deadline_at: typeof o.deadline_at === 'number' ? o.deadline_at : null,
  };
}

function withLatest(m: AgentModel, latest: LatestReason): AgentModel {
  return { ...m, latest };
}

// Applies one server event. `now` is the client's clock (ms), used only to stamp messages.
export function reduceAgent(m: AgentModel, ev: ServerEvent, now: number): AgentModel {
  if (m.agentId && 'agent_id' in ev && ev.agent_id && ev.agent_id !== m.agentId && ev.type !== 'snapshot') {
    return m; // not ours (a server that fans out more than it should)
  }
  switch (ev.type) {
    case 'snapshot': {
      const s = ev as Record<string, unknown>;
      const state = AGENT_STATES.includes(String(s.state)) ? (s.state as AgentStateName) : m.state;
      const call = normalizeCall(s.call);
      const offer = normalizeOffer(s.offer);
      let task: Offer | null = null;
      if (call) {
        if (m.task && m.task.offer_id === call.offer_id) task = m.task;
        else if (m.offer && m.offer.offer_id === call.offer_id) task = m.offer;
        else task = normalizeOffer(s.task);
      }
      let wrapup = normalizeWrapup(s.wrapup);
      if (!wrapup && state === 'wrap_up' && m.wrapup && (!call || m.wrapup.call_id === call.call_id)) wrapup = m.wrapup;
      if (!wrapup && state === 'wrap_up' && call) wrapup = { call_id: call.call_id, dispositions: [], deadline_at: null };
      return {
        ...m,
        agentId: typeof s.agent_id === 'string' ? s.agent_id : m.agentId,
        state,
        reason: (s.reason as string | null) ?? null,
        since: typeof s.since === 'number' ? s.since : m.since,
        reservation: normalizeReservation(s.reservation),
        offer,
        task,
        call,
        wrapup: state === 'wrap_up' ? wrapup : null,
        snapshotAt: now,
      };
    }
    case 'agent.state': {
      let next: AgentModel = { ...m, state: ev.state, reason: ev.reason ?? null, since: ev.since ?? now };
      if (ev.state === 'available' || ev.state === 'idle' || ev.state === 'logged_out') {
        next = { ...next, wrapup: null, call: null, task: null };
        if (ev.state !== 'available') next = { ...next, offer: null, reservation: null };
        // Back to Available, an answered reservation is over even if its end was not sent;
        // a ringing one is the next reservation already.
        else if (next.reservation && next.reservation.state !== 'ringing') next = { ...next, reservation: null };
      } else if (ev.state === 'reserved' || ev.state === 'previewing') {
        next = { ...next, wrapup: null };
        if (next.call?.state === 'ended') next = { ...next, call: null, task: null };
      }
      const code = ev.reason_code ?? (ev.reason && /^[A-Z_]+$/.test(ev.reason) ? ev.reason : null);
      if (code) next = withLatest(next, { code, at: now, source: 'state' });
      return next;
    }
    case 'reservation': {
      const r: Reservation = {
        reservation_id: ev.reservation_id,
        campaign_id: ev.campaign_id,
        state: ev.state,
        reason_code: ev.reason_code ?? null,
      };
      let next: AgentModel = { ...m, reservation: ev.state === 'ended' ? null : r };
      if (ev.state === 'ended' && m.offer && m.offer.reservation_id === ev.reservation_id) next.offer = null;
      if (ev.reason_code) next = withLatest(next, { code: ev.reason_code, at: now, source: 'reservation' });
      return next;
    }
    case 'offer': {
      const offer = normalizeOffer(ev);
      if (!offer) return m;
      // A new offer replaces whatever the dialog showed; an ended call's card goes away.
      const keepCall = m.call && m.call.state !== 'ended';
      return {
        ...m,
        offer,
        call: keepCall ? m.call : null,
        task: keepCall ? m.task : null,
        wrapup: keepCall ? m.wrapup : null,
      };
    }
    case 'offer.closed': {
      const closed: ClosedOffer = { offer_id: ev.offer_id, action: ev.action, by: ev.by, at: now };
      // e.g. Accept found the contact no longer dialable: closed by the system with its reason.
      const base = ev.reason_code ? withLatest(m, { code: ev.reason_code, at: now, source: 'notice' }) : m;
      if (!m.offer || m.offer.offer_id !== ev.offer_id) return { ...base, lastClosed: closed };
      if (ev.action === 'accept' && !ev.reason_code) return { ...base, offer: null, task: m.offer, lastClosed: closed };
      return { ...base, offer: null, lastClosed: closed };
    }
    case 'call': {
      const call = normalizeCall(ev);
      if (!call) return m;
      let task = m.task;
      if (!task || task.offer_id !== call.offer_id) {
        task = m.offer && m.offer.offer_id === call.offer_id ? m.offer : null;
      }
      // The dialog closes once the accepted contact is being dialled, even if offer.closed is late.
      const offer = m.offer && m.offer.offer_id === call.offer_id ? null : m.offer;
      return { ...m, call, task, offer };
    }
    case 'attempt.failed': {
      let next = withLatest(m, { code: ev.reason_code, at: now, source: 'attempt' });
      if (m.call && m.call.call_id === ev.call_id) next = { ...next, call: { ...m.call, state: 'ended' } };
      return next;
    }
    case 'wrapup': {
      const w = normalizeWrapup(ev);
      return w ? { ...m, wrapup: w } : m;
    }
    case 'notice':
      return withLatest(m, { code: ev.reason_code, message: ev.message, at: now, source: 'notice' });
    case 'stats':
    case 'ack':
      return m;
  }
  return m;
}

// An action refused by the server (ack ok:false or a REST error) shows its code like a notice.
export function applyActionError(m: AgentModel, code: string, message: string | undefined, now: number): AgentModel {
  return withLatest(m, { code, message, at: now, source: 'action' });
}

// After a successful wrap-up the card goes away at once; agent.state confirms the new state.
export function applyWrapupDone(m: AgentModel, callId: string): AgentModel {
  if (m.call && m.call.call_id !== callId) return m;
  return { ...m, wrapup: null, call: null, task: null };
}
