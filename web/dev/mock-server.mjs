#!/usr/bin/env node
// Development mock of the outdial server, following API.md, for working on the web UI before
// the C++ server lands: `node dev/mock-server.mjs serve --demo [--config file.toml]`.
// It serves web/dist at / (index.html fallback), the REST API under /api/v1 and the event
// WebSocket, with a small simulated dialer (reservations, offers, calls, wrap-up, stats).
// It is a stand-in, not a product: memory only, one tenant, simplified rules. Not bundled.
import { createServer } from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { acceptUpgrade } from './ws.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const DIST = join(here, '..', 'dist');

// ---- configuration (the few TOML keys API.md names) ----
const args = process.argv.slice(2);
const demo = args.includes('--demo');
const cfgPath = args.includes('--config') ? args[args.indexOf('--config') + 1] : null;
let listen = '127.0.0.1:8080';
let dcMax = 1000;
let rules = [{ match: '*', outcome: 'answer', after_ms: 2000 }];
if (cfgPath) {
  const text = readFileSync(cfgPath, 'utf8');
  let section = '';
  for (const line of text.split('\n')) {
    const l = line.replace(/#.*$/, '').trim();
    const sec = l.match(/^\[([^\]]+)\]$/);
    if (sec) section = sec[1];
    const kv = l.match(/^(\w+)\s*=\s*(.+)$/);
    if (kv && section === 'server' && kv[1] === 'listen') listen = JSON.parse(kv[2]);
    if (kv && section === 'datacenter' && kv[1] === 'max_concurrent_calls') dcMax = Number(kv[2]);
  }
  const rs = [...text.matchAll(/\{\s*match\s*=\s*"([^"]*)"\s*,\s*outcome\s*=\s*"([^"]*)"\s*(?:,\s*after_ms\s*=\s*(\d+))?\s*\}/g)];
  if (rs.length) rules = rs.map((m) => ({ match: m[1], outcome: m[2], after_ms: m[3] ? Number(m[3]) : 2000 }));
}
const glob = (g, s) => new RegExp('^' + g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$').test(s);
const ruleFor = (n) => rules.find((r) => glob(r.match, n)) ?? { outcome: 'answer', after_ms: 2000 };

// ---- state ----
let seq = 1;
const id = (p) => `${p}${seq++}`;
const now = () => Date.now();
const tenant = { id: 't1', name: 'demo', max_concurrent_calls: 50, end_call_enabled: true, default_timezone: 'America/New_York', default_region: 'US' };
const users = new Map();
const tokens = new Map();
const campaigns = new Map();
const contacts = new Map(); // campaign id -> contact[]
const dnc = new Map([['tenant', new Map()]]);
const live = new Map(); // agent id -> live agent
const sockets = new Set();
const calls = new Map();

function addUser(u) {
  const user = { id: id('u'), team: '', station: '', ...u };
  users.set(user.id, user);
  if (user.role === 'agent') live.set(user.id, { state: 'logged_out', reason: null, since: now(), reservation: null, offer: null, call: null, wrapup: null, idleAfter: false, timers: [] });
  return user;
}
const publicUser = (u) => ({ id: u.id, username: u.username, role: u.role, tenant_id: tenant.id, team: u.team, station: u.station });

const DEFAULT_DISPOSITIONS = [
  { code: 'sale', label: 'Sale / goal reached', result: 'success' },
  { code: 'callback', label: 'Call back later', result: 'callback' },
  { code: 'not_interested', label: 'Not interested', result: 'final' },
  { code: 'voicemail_left', label: 'Left a voicemail', result: 'retry' },
  { code: 'do_not_call', label: 'Do not call again', result: 'do_not_call' },
];
const DEFAULT_RETRY = { busy: [300, true], no_answer: [1800, true], machine: [3600, true], network_error: [600, true], rejected: [3600, true], cancelled: [600, true], skipped: [0, false], interrupted: [1800, true] };
function defaults() {
  const cw = {};
  for (const d of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat']) cw[d] = ['09:00-20:00'];
  cw.sun = [];
  cw.holidays = [];
  return {
    description: '', teams: [], priority: 5, caller_id: '', preview_offer_timeout_s: 600, preview_timeout_action: 'skip',
    preview_actions_disabled: [], reservation_ring_limit_s: 20, no_answer_ring_limit_s: 32, displayed_fields: [],
    cpa: { enabled: true, amd_enabled: true, terminating_tone_detect: false, min_silence_period_ms: 608, analysis_period_ms: 1000, minimum_valid_speech_ms: 112, max_time_analysis_ms: 3000, max_term_tone_analysis_ms: 30000 },
    on_machine: 'connect', max_attempts: 3, max_attempts_per_number: 3,
    retry: Object.fromEntries(Object.entries(DEFAULT_RETRY).map(([k, [d, c]]) => [k, { delay_s: d, counts_as_attempt: c }])),
    calling_window: cw, dnc_lists: [], dispositions: DEFAULT_DISPOSITIONS, wrap_up_timeout_s: 120, default_disposition: '',
  };
}

function validateCampaign(s) {
  const p = [];
  const range = (f, v, lo, hi) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) p.push({ field: f, problem: `must be between ${lo} and ${hi} (got ${JSON.stringify(v)})` });
  };
  if (!s.name || typeof s.name !== 'string') p.push({ field: 'name', problem: 'must not be empty' });
  if (!['preview', 'preview_standard', 'preview_direct'].includes(s.mode)) p.push({ field: 'mode', problem: 'must be preview, preview_standard or preview_direct' });
  range('priority', s.priority, 1, 10);
  if (s.caller_id && !/^\+[1-9]\d{6,14}$/.test(s.caller_id)) p.push({ field: 'caller_id', problem: 'must be an E.164 number such as +12015550100' });
  if (s.preview_timeout_action === 'accept') range('preview_offer_timeout_s', s.preview_offer_timeout_s, 0, 7200);
  else if (typeof s.preview_offer_timeout_s !== 'number' || s.preview_offer_timeout_s < 10 || s.preview_offer_timeout_s > 7200)
    p.push({ field: 'preview_offer_timeout_s', problem: `must be between 10 and 7200 when preview_timeout_action is ${s.preview_timeout_action} (0 is allowed only with accept; got ${s.preview_offer_timeout_s})` });
  if (s.mode === 'preview' && s.preview_timeout_action === 'accept') p.push({ field: 'preview_timeout_action', problem: 'must be skip or remove in preview (pull) mode' });
  range('reservation_ring_limit_s', s.reservation_ring_limit_s, 5, 120);
  range('no_answer_ring_limit_s', s.no_answer_ring_limit_s, 16, 80);
  range('cpa.min_silence_period_ms', s.cpa?.min_silence_period_ms, 100, 1000);
  range('cpa.analysis_period_ms', s.cpa?.analysis_period_ms, 1000, 10000);
  range('cpa.minimum_valid_speech_ms', s.cpa?.minimum_valid_speech_ms, 50, 500);
  range('cpa.max_time_analysis_ms', s.cpa?.max_time_analysis_ms, 1000, 10000);
  range('cpa.max_term_tone_analysis_ms', s.cpa?.max_term_tone_analysis_ms, 1000, 60000);
  range('max_attempts', s.max_attempts, 1, 100);
  range('max_attempts_per_number', s.max_attempts_per_number, 1, 100);
  for (const [k, r] of Object.entries(s.retry ?? {})) range(`retry.${k}.delay_s`, r?.delay_s, 0, 30 * 86400);
  range('wrap_up_timeout_s', s.wrap_up_timeout_s, 0, 3600);
  for (const [d, ranges] of Object.entries(s.calling_window ?? {})) {
    if (d === 'holidays') (ranges ?? []).forEach((h, i) => /^\d{4}-\d\d-\d\d$/.test(h) || p.push({ field: `calling_window.holidays[${i}]`, problem: `expected a date YYYY-MM-DD, got "${h}"` }));
    else (ranges ?? []).forEach((r, i) => /^\d\d:\d\d-\d\d:\d\d$/.test(r) || p.push({ field: `calling_window.${d}[${i}]`, problem: `expected HH:MM-HH:MM, got "${r}"` }));
  }
  const codes = new Set();
  if (!s.dispositions?.length) p.push({ field: 'dispositions', problem: 'must contain at least one disposition' });
  (s.dispositions ?? []).forEach((d, i) => {
    if (!d.code) p.push({ field: `dispositions[${i}].code`, problem: 'must not be empty' });
    else if (codes.has(d.code)) p.push({ field: `dispositions[${i}].code`, problem: `'${d.code}' is used twice` });
    codes.add(d.code);
    if (!d.label) p.push({ field: `dispositions[${i}].label`, problem: 'must not be empty' });
  });
  if (s.default_disposition && !codes.has(s.default_disposition)) p.push({ field: 'default_disposition', problem: `'${s.default_disposition}' is not a code of dispositions` });
  return p;
}

// Settings merge like the server's reader: nested objects (cpa, retry, calling_window) keep the
// keys a request leaves out.
function merged(base, patch) {
  const out = { ...base, ...patch };
  if (patch.cpa) out.cpa = { ...base.cpa, ...patch.cpa };
  if (patch.retry) out.retry = { ...base.retry, ...patch.retry };
  return out;
}

function addCampaign(settings, status = 'draft') {
  const c = { ...merged(defaults(), settings), id: id('c'), status, created_at: now() };
  campaigns.set(c.id, c);
  contacts.set(c.id, []);
  return c;
}

function addContact(cid, k) {
  const list = contacts.get(cid);
  const c = {
    id: id('k'), campaign_id: cid, name: k.name ?? '', phones: k.phones, timezone: k.timezone ?? tenant.default_timezone,
    priority: k.priority ?? 0, fields: k.fields ?? {}, state: 'callable', attempts_made: 0, next_eligible_at: null, last_outcome: null, order: list.length,
  };
  list.push(c);
  return c;
}

if (demo) {
  addUser({ username: 'admin', password: 'admin', role: 'admin' });
  addUser({ username: 'supervisor', password: 'supervisor', role: 'supervisor' });
  for (let a = 1; a <= 3; a++) addUser({ username: `agent${a}`, password: 'agent', role: 'agent', station: 'sim:auto' });
  const all = { mon: ['00:00-24:00'], tue: ['00:00-24:00'], wed: ['00:00-24:00'], thu: ['00:00-24:00'], fri: ['00:00-24:00'], sat: ['00:00-24:00'], sun: ['00:00-24:00'], holidays: [] };
  const seeds = [
    ['preview_standard', 'Renewals (Standard Preview)', 'Customers whose contract ends this month. Offer the loyalty discount.'],
    ['preview_direct', 'Welcome calls (Direct Preview)', 'New customers from last week: a short welcome and a satisfaction question.'],
    ['preview', 'Win-back (Preview)', 'Former customers. Ask why they left.'],
  ];
  const first = ['Ava', 'Ben', 'Chloe', 'David', 'Emma', 'Felix', 'Grace', 'Henry', 'Isla', 'Jack'];
  const last = ['Miller', 'Garcia', 'Smith', 'Brown', 'Jones', 'Davis', 'Wilson', 'Clark', 'Lewis', 'Young'];
  seeds.forEach(([mode, name, description], k) => {
    const c = addCampaign({ mode, name, description, priority: 6 - k, calling_window: all }, 'running');
    for (let i = 0; i < 200; i++)
      addContact(c.id, {
        name: `${first[i % 10]} ${last[(Math.floor(i / 10) + k) % 10]}`,
        phones: [{ number: `+1201555${String((k * 1000 + i) % 10000).padStart(4, '0')}`, type: 'mobile' }],
        priority: i % 7 === 0 ? 10 : 0,
        fields: { account: `AC-${100000 + i}`, plan: i % 2 ? 'Premium' : 'Basic' },
      });
  });
}

// ---- events ----
function emit(agentId, ev) {
  const frame = JSON.stringify({ ...ev, agent_id: agentId });
  for (const s of sockets) if (s.user.id === agentId || s.user.role !== 'agent') s.conn.send(frame);
}
function setState(agentId, state, reason = null) {
  const a = live.get(agentId);
  a.state = state;
  a.reason = reason;
  a.since = now();
  emit(agentId, { type: 'agent.state', state, reason, since: a.since });
}
function agentSnapshot(agentId) {
  const a = live.get(agentId);
  const u = users.get(agentId);
  return { agent_id: agentId, username: u.username, state: a.state, reason: a.reason, since: a.since, reservation: a.reservation, offer: a.offer, call: a.call, wrapup: a.wrapup };
}
function timer(a, ms, fn) {
  const t = setTimeout(() => {
    a.timers = a.timers.filter((x) => x !== t);
    fn();
  }, ms);
  a.timers.push(t);
  return t;
}
const clearTimers = (a) => {
  a.timers.forEach(clearTimeout);
  a.timers = [];
};

// ---- dialer ----
const onDnc = (c, camp) => ['tenant', ...(camp.dnc_lists ?? [])].some((l) => dnc.get(l)?.has(c.phones[0]?.number));
function callable(c, camp) {
  if (c.state === 'scheduled' && c.next_eligible_at <= now()) c.state = 'callable';
  if (c.state !== 'callable') return false;
  if (c.attempts_made >= camp.max_attempts) return (c.state = 'exhausted'), false;
  if (onDnc(c, camp)) return (c.state = 'dnc'), false;
  return true;
}
function nextContact(camp, exclude = new Set()) {
  const list = contacts.get(camp.id).filter((c) => !exclude.has(c.id) && callable(c, camp));
  list.sort((a, b) => b.priority - a.priority || (a.next_eligible_at ?? 0) - (b.next_eligible_at ?? 0) || a.order - b.order);
  return list[0] ?? null;
}
const openTo = (camp, u) => camp.status === 'running' && (!camp.teams?.length || camp.teams.includes(u.team));
function activeCalls() {
  return [...calls.values()].filter((c) => c.state !== 'ended').length;
}

function dispatch(agentId) {
  const a = live.get(agentId);
  const u = users.get(agentId);
  if (a.state !== 'available' || a.reservation || a.offer || a.call) return;
  const push = [...campaigns.values()].filter((c) => c.mode !== 'preview' && openTo(c, u)).sort((x, y) => y.priority - x.priority);
  const camp = push.find((c) => nextContact(c));
  if (!camp) return;
  a.reservation = { reservation_id: id('r'), campaign_id: camp.id, state: 'ringing' };
  a.skipped = new Set();
  setState(agentId, 'reserved');
  emit(agentId, { type: 'reservation', ...a.reservation });
  const rid = a.reservation.reservation_id;
  if (u.station === 'sim:auto') timer(a, 1000, () => answerReservation(agentId, rid));
  timer(a, camp.reservation_ring_limit_s * 1000, () => {
    if (a.reservation?.reservation_id === rid && a.reservation.state === 'ringing') {
      emit(agentId, { type: 'reservation', ...a.reservation, state: 'ended', reason_code: 'RESERVATION_NOT_ANSWERED' });
      a.reservation = null;
      setState(agentId, 'idle', 'RESERVATION_NOT_ANSWERED');
    }
  });
}

function answerReservation(agentId, rid) {
  const a = live.get(agentId);
  if (!a.reservation || a.reservation.reservation_id !== rid) return err(409, 'OFFER_CLOSED', 'This reservation is over.');
  if (a.reservation.state !== 'ringing') return null;
  a.reservation.state = 'answered';
  emit(agentId, { type: 'reservation', ...a.reservation });
  offerNext(agentId, campaigns.get(a.reservation.campaign_id));
  return null;
}

function makeOffer(agentId, camp, contact) {
  const a = live.get(agentId);
  contact.state = 'in_progress';
  const fields = camp.displayed_fields?.length ? Object.fromEntries(Object.entries(contact.fields).filter(([k]) => camp.displayed_fields.includes(k))) : contact.fields;
  const dis = camp.preview_actions_disabled ?? [];
  const pull = camp.mode === 'preview';
  const timeout = camp.preview_offer_timeout_s;
  a.offer = {
    offer_id: id('o'), reservation_id: a.reservation?.reservation_id ?? null,
    campaign: { id: camp.id, name: camp.name, description: camp.description, mode: camp.mode },
    contact: { id: contact.id, name: contact.name, phone: contact.phones[0].number, fields },
    expires_at: timeout > 0 ? now() + timeout * 1000 : null,
    timeout_action: pull ? 'skip' : camp.preview_timeout_action,
    actions: { accept: true, skip: !dis.includes('skip'), remove: !pull && !dis.includes('remove'), cancel: !pull },
  };
  if (a.state !== 'previewing') setState(agentId, 'previewing');
  emit(agentId, { type: 'offer', ...a.offer });
  const oid = a.offer.offer_id;
  if (timeout === 0) setImmediate(() => offerAction(agentId, oid, a.offer.timeout_action, 'timeout'));
  else timer(a, timeout * 1000, () => a.offer?.offer_id === oid && offerAction(agentId, oid, a.offer.timeout_action, 'timeout'));
  return a.offer;
}

function offerNext(agentId, camp) {
  const a = live.get(agentId);
  const contact = camp && camp.status === 'running' ? nextContact(camp, a.skipped ?? new Set()) : null;
  if (!contact) {
    if (a.reservation) {
      emit(agentId, { type: 'reservation', ...a.reservation, state: 'ended' });
      a.reservation = null;
    }
    setState(agentId, a.idleAfter ? 'idle' : 'available', a.idleAfter ? a.idleReason : null);
    a.idleAfter = false;
    return null;
  }
  return makeOffer(agentId, camp, contact);
}

function err(status, code, message, details = []) {
  return { status, body: { error: { code, message, details } } };
}

function offerAction(agentId, offerId, action, by = 'agent') {
  const a = live.get(agentId);
  const o = a.offer;
  if (!o || o.offer_id !== offerId) {
    if (a.closed?.offer_id === offerId && a.closed.action === action) return null;
    return err(409, 'OFFER_CLOSED', 'This contact is no longer offered to you.');
  }
  if (!o.actions[action] && by === 'agent') return err(409, 'ACTION_DISABLED', 'This action is disabled for the campaign.');
  const camp = campaigns.get(o.campaign.id);
  const contact = contacts.get(camp.id).find((c) => c.id === o.contact.id);
  if (action === 'accept') {
    const act = activeCalls();
    if (act >= tenant.max_concurrent_calls) return err(409, 'TENANT_CONCURRENT_CALL_LIMIT', 'Your organisation has reached its limit of simultaneous calls.');
    if (act >= dcMax) return err(409, 'DATACENTER_CONCURRENT_CALL_LIMIT', 'The dialer is at its limit of simultaneous calls.');
  }
  clearTimers(a);
  a.offer = null;
  a.closed = { offer_id: offerId, action };
  emit(agentId, { type: 'offer.closed', offer_id: offerId, action, by });
  if (action === 'accept') startCall(agentId, camp, contact, o);
  else if (action === 'skip') {
    contact.state = 'callable';
    (a.skipped ??= new Set()).add(contact.id);
    if (camp.mode === 'preview') setState(agentId, 'available');
    else offerNext(agentId, camp);
  } else if (action === 'remove') {
    contact.state = 'removed';
    offerNext(agentId, camp);
  } else if (action === 'cancel') {
    contact.state = 'callable';
    if (a.reservation) emit(agentId, { type: 'reservation', ...a.reservation, state: 'ended' });
    a.reservation = null;
    setState(agentId, 'idle', 'cancel');
  }
  return null;
}

function startCall(agentId, camp, contact, offer) {
  const a = live.get(agentId);
  const call = {
    call_id: id('call'), offer_id: offer.offer_id, campaign_id: camp.id, contact_id: contact.id, number: contact.phones[0].number,
    state: 'dialing', started_at: now(), answered_at: null, can_cancel: tenant.end_call_enabled, amd_result: null,
  };
  calls.set(call.call_id, call);
  a.call = call;
  const upd = (patch) => {
    Object.assign(call, patch);
    emit(agentId, { type: 'call', ...call });
  };
  setState(agentId, 'dialing');
  emit(agentId, { type: 'call', ...call });
  contact.attempts_made++;
  const rule = ruleFor(call.number);
  timer(a, 300, () => {
    setState(agentId, 'ringing');
    upd({ state: 'ringing' });
    const fail = (code, sip, outcome) => failCall(agentId, camp, contact, call, code, sip, outcome);
    const limit = camp.mode === 'preview_direct' ? 1e9 : camp.no_answer_ring_limit_s * 1000;
    const after = Math.min(rule.after_ms, limit);
    timer(a, after, () => {
      switch (rule.outcome) {
        case 'answer':
        case 'machine': {
          const machine = rule.outcome === 'machine' && camp.mode === 'preview_standard';
          if (machine && camp.on_machine === 'hangup') return fail('ANSWERING_MACHINE', null, 'machine');
          setState(agentId, 'connected');
          upd({ state: 'connected', answered_at: now(), can_cancel: false, amd_result: camp.mode === 'preview_standard' ? (machine ? 'machine' : 'human') : null });
          return;
        }
        case 'busy': return fail('CUSTOMER_BUSY', 486, 'busy');
        case 'no_answer': return rule.after_ms > limit || camp.mode !== 'preview_direct' ? fail('NO_ANSWER', 408, 'no_answer') : undefined;
        case 'invalid': return fail('INVALID_NUMBER', 404, 'invalid_number');
        case 'network_error': return fail('NETWORK_ERROR', 503, 'network_error');
        case 'reject': return fail('CALL_REJECTED', 603, 'rejected');
        case 'fax': return fail('FAX_DETECTED', null, 'fax');
        case 'sit': return fail('SPECIAL_INFORMATION_TONE', null, 'special_information_tone');
      }
    });
  });
}

function failCall(agentId, camp, contact, call, code, sip, outcome) {
  const a = live.get(agentId);
  clearTimers(a);
  call.state = 'ended';
  emit(agentId, { type: 'call', ...call });
  emit(agentId, { type: 'attempt.failed', call_id: call.call_id, offer_id: call.offer_id, reason_code: code, ...(sip ? { sip_code: sip } : {}) });
  contact.last_outcome = outcome;
  const key = { busy: 'busy', no_answer: 'no_answer', machine: 'machine', network_error: 'network_error', cancelled: 'cancelled' }[outcome] ?? 'rejected';
  const r = camp.retry[key] ?? { delay_s: 600 };
  contact.state = contact.attempts_made >= camp.max_attempts ? 'exhausted' : 'scheduled';
  contact.next_eligible_at = now() + r.delay_s * 1000;
  camp.attempts = camp.attempts ?? {};
  camp.attempts[outcome] = (camp.attempts[outcome] ?? 0) + 1;
  a.call = null;
  calls.delete(call.call_id);
  if (camp.mode === 'preview') setState(agentId, 'available');
  else offerNext(agentId, camp);
}

function endCall(agentId, callId, cancel) {
  const a = live.get(agentId);
  const call = a.call;
  if (!call || call.call_id !== callId) return err(409, 'CONFLICT', 'No such call in progress.');
  const camp = campaigns.get(call.campaign_id);
  const contact = contacts.get(camp.id).find((c) => c.id === call.contact_id);
  if (cancel) {
    if (!tenant.end_call_enabled || call.state === 'connected') return err(409, 'ACTION_DISABLED', 'This action is disabled.');
    failCall(agentId, camp, contact, call, 'AGENT_CANCELLED', 487, 'cancelled');
    return null;
  }
  if (call.state !== 'connected' && camp.mode !== 'preview_direct') return err(409, 'CONFLICT', 'The call is not connected.');
  clearTimers(a);
  call.state = 'ended';
  emit(agentId, { type: 'call', ...call });
  calls.delete(call.call_id);
  camp.attempts = camp.attempts ?? {};
  camp.attempts.connected = (camp.attempts.connected ?? 0) + 1;
  contact.last_outcome = 'connected';
  setState(agentId, 'wrap_up');
  a.wrapup = { call_id: call.call_id, dispositions: camp.dispositions.map(({ code, label }) => ({ code, label })), deadline_at: camp.wrap_up_timeout_s ? now() + camp.wrap_up_timeout_s * 1000 : null };
  emit(agentId, { type: 'wrapup', ...a.wrapup });
  if (camp.wrap_up_timeout_s) timer(a, camp.wrap_up_timeout_s * 1000, () => wrapup(agentId, call.call_id, camp.default_disposition || camp.dispositions.find((d) => d.result === 'final')?.code));
  return null;
}

function wrapup(agentId, callId, disposition, callbackAt) {
  const a = live.get(agentId);
  if (!a.wrapup || a.wrapup.call_id !== callId) return err(409, 'CONFLICT', 'No wrap-up for this call.');
  const call = a.call;
  const camp = campaigns.get(call.campaign_id);
  const d = camp.dispositions.find((x) => x.code === disposition);
  if (!d) return err(400, 'VALIDATION_FAILED', 'Unknown disposition.', [{ field: 'disposition', problem: 'is not a disposition of the campaign' }]);
  if (d.result === 'callback' && !(callbackAt > now())) return err(400, 'VALIDATION_FAILED', 'A callback needs a time.', [{ field: 'callback_at', problem: 'must be in the future' }]);
  const contact = contacts.get(camp.id).find((c) => c.id === call.contact_id);
  contact.state = { success: 'done', final: 'done', retry: 'scheduled', callback: 'scheduled', do_not_call: 'dnc' }[d.result];
  if (d.result === 'retry') contact.next_eligible_at = now() + 3600e3;
  if (d.result === 'callback') contact.next_eligible_at = callbackAt;
  if (d.result === 'do_not_call') dnc.get('tenant').set(contact.phones[0].number, { number: contact.phones[0].number, added_at: now(), source: 'disposition' });
  clearTimers(a);
  a.wrapup = null;
  a.call = null;
  if (a.reservation) {
    emit(agentId, { type: 'reservation', ...a.reservation, state: 'ended' });
    a.reservation = null;
  }
  if (a.idleAfter) setState(agentId, 'idle', a.idleReason);
  else {
    setState(agentId, 'available');
    setTimeout(() => dispatch(agentId), 300);
  }
  a.idleAfter = false;
  return null;
}

// One agent operation, from REST or the WebSocket. Returns null (ok), {status, body} (error) or {ok:data}.
function agentOp(user, op, m) {
  const a = live.get(user.id);
  if (!a) return err(403, 'FORBIDDEN', 'Only agents do this.');
  switch (op) {
    case 'set_state': {
      if (m.state === 'available') {
        if (!['idle', 'available', 'logged_out'].includes(a.state)) return err(409, 'AGENT_NOT_AVAILABLE', 'Finish the current contact first.');
        a.idleAfter = false;
        if (a.state !== 'available') setState(user.id, 'available');
        setTimeout(() => dispatch(user.id), 200);
        return null;
      }
      if (m.state === 'idle') {
        if (a.offer) return offerAction(user.id, a.offer.offer_id, 'cancel') ?? (setState(user.id, 'idle', m.reason ?? null), null);
        if (a.call || a.wrapup) {
          a.idleAfter = true;
          a.idleReason = m.reason ?? null;
          return null;
        }
        clearTimers(a);
        if (a.reservation) emit(user.id, { type: 'reservation', ...a.reservation, state: 'ended' });
        a.reservation = null;
        setState(user.id, 'idle', m.reason ?? null);
        return null;
      }
      return err(400, 'VALIDATION_FAILED', 'state must be available or idle', [{ field: 'state', problem: 'must be available or idle' }]);
    }
    case 'preview_request': {
      if (!['idle', 'available'].includes(a.state) || a.offer || a.call) return err(409, 'AGENT_NOT_AVAILABLE', 'You are handling a contact.');
      const pulls = [...campaigns.values()].filter((c) => c.mode === 'preview' && openTo(c, user) && (!m.campaign_id || c.id === m.campaign_id)).sort((x, y) => y.priority - x.priority);
      const camp = pulls.find((c) => nextContact(c));
      if (!camp) {
        emit(user.id, { type: 'notice', reason_code: 'NO_CALLABLE_CONTACTS', message: 'There are no contacts to call right now.' });
        return err(409, 'NO_CALLABLE_CONTACTS', 'There are no contacts to call right now.');
      }
      a.skipped = new Set();
      return { ok: makeOffer(user.id, camp, nextContact(camp)) };
    }
    case 'answer_reservation':
      return answerReservation(user.id, m.reservation_id);
    case 'accept':
    case 'skip':
    case 'remove':
    case 'cancel':
      return offerAction(user.id, m.offer_id, op);
    case 'cancel_call':
      return endCall(user.id, m.call_id, true);
    case 'end_call':
      return endCall(user.id, m.call_id, false);
    case 'wrapup':
      return wrapup(user.id, m.call_id, m.disposition, m.callback_at);
  }
  return err(400, 'VALIDATION_FAILED', `unknown op ${op}`);
}

function stats(camp) {
  const list = contacts.get(camp.id);
  const counts = { total: list.length, callable: 0, scheduled: 0, in_progress: 0, done: 0, removed: 0, dnc: 0, exhausted: 0 };
  for (const c of list) counts[c.state]++;
  const by = camp.attempts ?? {};
  const agents = { available: 0, reserved: 0, on_call: 0, wrap_up: 0, idle: 0 };
  for (const a of live.values()) {
    if (a.state === 'available') agents.available++;
    else if (a.state === 'idle') agents.idle++;
    else if (a.state === 'wrap_up') agents.wrap_up++;
    else if (['reserved', 'previewing'].includes(a.state)) agents.reserved++;
    else if (['dialing', 'ringing', 'connected'].includes(a.state)) agents.on_call++;
  }
  const active = [...calls.values()].filter((c) => c.campaign_id === camp.id && c.state !== 'ended').length;
  return { contacts: counts, attempts: { total: Object.values(by).reduce((s, v) => s + v, 0), by_outcome: by }, agents, active_calls: active, tenant_active_calls: activeCalls(), tenant_max_concurrent_calls: tenant.max_concurrent_calls, datacenter_active_calls: activeCalls(), datacenter_max_concurrent_calls: dcMax };
}
setInterval(() => {
  for (const camp of campaigns.values()) {
    const frame = JSON.stringify({ type: 'stats', campaign_id: camp.id, ...stats(camp) });
    for (const s of sockets) if (s.user.role !== 'agent') s.conn.send(frame);
  }
}, 1000).unref();

// ---- CSV ----
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') q = false;
      else field += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field), rows.push(row), (row = []), (field = '');
    } else field += ch;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows.filter((r) => r.some((x) => x.trim() !== ''));
}
function normalizeNumber(n) {
  const s = String(n ?? '').replace(/[\s()./-]/g, '');
  if (/^\+[1-9]\d{6,14}$/.test(s)) return s;
  if (/^\d{10}$/.test(s)) return '+1' + s;
  return null;
}
function importContacts(cid, records) {
  const result = { accepted: 0, rejected: 0, errors: [] };
  records.forEach((r, i) => {
    const row = i + 1;
    const phones = (r.phones ?? []).map((p) => ({ ...p, number: normalizeNumber(p.number) }));
    const problems = [];
    if (!phones.length) problems.push({ row, field: 'phone', problem: 'is missing' });
    phones.forEach((p, j) => p.number || problems.push({ row, field: phones.length > 1 ? `phone${j + 1}` : 'phone', problem: `"${r.phones[j].number}" is not a valid phone number` }));
    if (r.priority !== undefined && (!Number.isInteger(r.priority) || r.priority < 0 || r.priority > 100)) problems.push({ row, field: 'priority', problem: 'must be between 0 and 100' });
    if (problems.length) {
      result.rejected++;
      result.errors.push(...problems);
    } else {
      addContact(cid, { ...r, phones });
      result.accepted++;
    }
  });
  return result;
}
function csvToRecords(text) {
  const rows = parseCsv(text);
  if (!rows.length) return null;
  const head = rows[0].map((h) => h.trim().toLowerCase());
  if (!head.some((h) => h === 'phone' || /^phone\d+$/.test(h))) return null;
  return rows.slice(1).map((cells) => {
    const r = { phones: [], fields: {} };
    head.forEach((h, i) => {
      const v = (cells[i] ?? '').trim();
      if (h === 'name') r.name = v;
      else if (h === 'phone' || /^phone\d+$/.test(h)) v && r.phones.push({ number: v });
      else if (h === 'timezone') v && (r.timezone = v);
      else if (h === 'priority') v && (r.priority = Number(v));
      else r.fields[h] = v;
    });
    if (!r.phones.length) r.phones = [];
    return r;
  });
}

// ---- HTTP ----
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };
function send(res, status, body) {
  if (status === 204) return res.writeHead(204).end();
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) }).end(text);
}
function serveStatic(req, res) {
  const p = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  let file = join(DIST, p);
  if (!file.startsWith(DIST) || !existsSync(file) || statSync(file).isDirectory()) file = join(DIST, 'index.html');
  if (!existsSync(file)) return res.writeHead(404).end('web/dist is not built: run npm run build');
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
}
function authUser(req, url) {
  const h = req.headers.authorization ?? '';
  const token = h.startsWith('Bearer ') ? h.slice(7) : url.searchParams.get('token');
  return token ? users.get(tokens.get(token)) ?? null : null;
}
const MAX_BODY = 10 * 1024 * 1024;

async function handleApi(req, res, url) {
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > MAX_BODY) return send(res, 413, err(413, 'PAYLOAD_TOO_LARGE', 'The request is too large.').body);
    chunks.push(c);
  }
  const raw = Buffer.concat(chunks).toString('utf8');
  const isCsv = String(req.headers['content-type'] ?? '').startsWith('text/csv');
  let body = {};
  if (raw && !isCsv) {
    try {
      body = JSON.parse(raw);
    } catch {
      return send(res, 400, err(400, 'VALIDATION_FAILED', 'The body is not valid JSON.').body);
    }
  }
  const path = url.pathname.replace(/^\/api\/v1/, '');
  const M = req.method;
  const reply = (r, okStatus = 200, okBody) => (r && r.status ? send(res, r.status, r.body) : send(res, okStatus, okBody ?? r?.ok ?? {}));
  if (M === 'POST' && path === '/login') {
    const u = [...users.values()].find((x) => x.username === body.username && x.password === body.password);
    if (!u || body.tenant !== tenant.name) return send(res, 401, err(401, 'UNAUTHENTICATED', 'Wrong organisation, user name or password.').body);
    const token = randomBytes(16).toString('hex');
    tokens.set(token, u.id);
    const a = live.get(u.id);
    if (a && a.state === 'logged_out') setState(u.id, 'idle');
    return send(res, 200, { token, expires_at: now() + 12 * 3600e3, user: publicUser(u) });
  }
  const user = authUser(req, url);
  if (!user) return send(res, 401, err(401, 'UNAUTHENTICATED', 'Please log in.').body);
  const admin = user.role === 'admin';
  const staff = admin || user.role === 'supervisor';
  const deny = () => send(res, 403, err(403, 'FORBIDDEN', 'You are not allowed to do this.').body);
  let m;
  if (M === 'POST' && path === '/logout') {
    for (const [t, uid] of tokens) if (uid === user.id && req.headers.authorization === `Bearer ${t}`) tokens.delete(t);
    return send(res, 204);
  }
  if (path === '/tenant') {
    if (!admin) return deny();
    if (M === 'PATCH') {
      const p = [];
      if ('max_concurrent_calls' in body && !(Number.isInteger(body.max_concurrent_calls) && body.max_concurrent_calls >= 1 && body.max_concurrent_calls <= 100000)) p.push({ field: 'max_concurrent_calls', problem: 'must be between 1 and 100000' });
      if ('default_region' in body && !/^[A-Z]{2}$/.test(body.default_region)) p.push({ field: 'default_region', problem: 'must be an ISO 3166 alpha-2 code such as US or DE' });
      if (p.length) return send(res, 422, err(422, 'VALIDATION_FAILED', 'The tenant settings are not valid.', p).body);
      for (const k of ['max_concurrent_calls', 'end_call_enabled', 'default_timezone', 'default_region']) if (k in body) tenant[k] = body[k];
    }
    return send(res, 200, tenant);
  }
  if (path === '/users' || (m = path.match(/^\/users\/([^/]+)$/))) {
    if (!admin) return deny();
    if (path === '/users' && M === 'GET') return send(res, 200, { items: [...users.values()].map(publicUser) });
    if (path === '/users' && M === 'POST') {
      const p = [];
      if (!body.username) p.push({ field: 'username', problem: 'must not be empty' });
      else if ([...users.values()].some((u) => u.username === body.username)) p.push({ field: 'username', problem: 'is taken' });
      if (!body.password || body.password.length < 4) p.push({ field: 'password', problem: 'must be at least 4 characters' });
      if (!['admin', 'supervisor', 'agent'].includes(body.role)) p.push({ field: 'role', problem: 'must be admin, supervisor or agent' });
      if (p.length) return send(res, 422, err(422, 'VALIDATION_FAILED', 'The user is not valid.', p).body);
      return send(res, 201, publicUser(addUser({ username: body.username, password: body.password, role: body.role, team: body.team ?? '', station: body.station ?? '' })));
    }
    const u = users.get(m?.[1]);
    if (!u) return send(res, 404, err(404, 'NOT_FOUND', 'Not found.').body);
    if (M === 'GET') return send(res, 200, publicUser(u));
    if (M === 'PATCH') {
      for (const k of ['team', 'station', 'password', 'role']) if (k in body) u[k] = body[k];
      return send(res, 200, publicUser(u));
    }
    if (M === 'DELETE') return users.delete(u.id), live.delete(u.id), send(res, 204);
  }
  if (path === '/campaigns') {
    if (M === 'GET') return send(res, 200, { items: [...campaigns.values()].filter((c) => staff || openTo({ ...c, status: 'running' }, user)).map(({ attempts, ...c }) => c) });
    if (M === 'POST') {
      if (!admin) return deny();
      const s = merged(defaults(), body);
      const p = validateCampaign(s);
      if (p.length) return send(res, 422, err(422, 'VALIDATION_FAILED', `The campaign settings are not valid: ${p.length} problem${p.length > 1 ? 's' : ''}.`, p).body);
      return send(res, 201, addCampaign(body));
    }
  }
  if ((m = path.match(/^\/campaigns\/([^/]+)(?:\/(start|pause|stop|stats|contacts))?$/))) {
    const c = campaigns.get(m[1]);
    if (!c) return send(res, 404, err(404, 'NOT_FOUND', 'Not found.').body);
    const sub = m[2];
    if (!sub) {
      if (!admin) return deny();
      if (M === 'GET') return send(res, 200, c);
      if (M === 'PATCH') {
        const s = merged(c, body);
        const p = validateCampaign(s);
        if (p.length) return send(res, 422, err(422, 'VALIDATION_FAILED', 'The campaign settings are not valid.', p).body);
        Object.assign(c, s);
        return send(res, 200, c);
      }
      if (M === 'DELETE') {
        if (c.status === 'running') return send(res, 409, err(409, 'CONFLICT', 'Pause or stop the campaign first.').body);
        campaigns.delete(c.id);
        return send(res, 204);
      }
    }
    if (['start', 'pause', 'stop'].includes(sub) && M === 'POST') {
      if (!admin) return deny();
      const to = { start: 'running', pause: 'paused', stop: 'stopped' }[sub];
      const ok = { start: ['draft', 'paused'], pause: ['running'], stop: ['running', 'paused'] }[sub].includes(c.status);
      if (!ok) return send(res, 409, err(409, 'CONFLICT', `A ${c.status} campaign cannot ${sub}.`).body);
      c.status = to;
      if (to === 'running') for (const aid of live.keys()) setTimeout(() => dispatch(aid), 100);
      else for (const [aid, a] of live) if (a.offer?.campaign.id === c.id) offerAction(aid, a.offer.offer_id, 'cancel', 'system');
      return send(res, 200, c);
    }
    if (sub === 'stats' && M === 'GET') return staff ? send(res, 200, stats(c)) : deny();
    if (sub === 'contacts') {
      if (M === 'POST') {
        if (!admin) return deny();
        let records;
        if (isCsv) records = csvToRecords(raw);
        else records = Array.isArray(body.contacts) ? body.contacts : null;
        if (!records) return send(res, 400, err(400, 'VALIDATION_FAILED', 'The body is not a contact list (a CSV needs a header row with a phone column).').body);
        const r = importContacts(c.id, records);
        for (const aid of live.keys()) setTimeout(() => dispatch(aid), 100);
        return send(res, 200, r);
      }
      if (M === 'GET') {
        if (!staff) return deny();
        const st = url.searchParams.get('state');
        const limit = Number(url.searchParams.get('limit') ?? 100);
        const start = Number(url.searchParams.get('cursor') ?? 0);
        const list = contacts.get(c.id).filter((k) => !st || k.state === st);
        const items = list.slice(start, start + limit);
        return send(res, 200, { items, next_cursor: start + limit < list.length ? String(start + limit) : null });
      }
    }
  }
  if ((m = path.match(/^\/dnc\/([^/]+)(?:\/(.+))?$/))) {
    if (!staff) return deny();
    const list = decodeURIComponent(m[1]);
    if (!dnc.has(list)) dnc.set(list, new Map());
    const entries = dnc.get(list);
    if (!m[2] && M === 'GET') return send(res, 200, { items: [...entries.values()], next_cursor: null });
    const number = normalizeNumber(decodeURIComponent(m[2] ?? ''));
    if (!number) return send(res, 400, err(400, 'VALIDATION_FAILED', 'Not a phone number.', [{ field: 'number', problem: 'is not a valid phone number' }]).body);
    if (M === 'PUT') return entries.set(number, { number, added_at: now(), source: user.username }), send(res, 204);
    if (M === 'DELETE') return admin ? (entries.delete(number), send(res, 204)) : deny();
  }
  if (path === '/agent' && M === 'GET') return live.has(user.id) ? send(res, 200, agentSnapshot(user.id)) : deny();
  if (path === '/agents' && M === 'GET') return staff ? send(res, 200, { items: [...live.keys()].map(agentSnapshot) }) : deny();
  const ops = [
    [/^\/agent\/state$/, 'set_state', () => body],
    [/^\/agent\/preview-request$/, 'preview_request', () => body],
    [/^\/reservations\/([^/]+)\/answer$/, 'answer_reservation', (x) => ({ reservation_id: x[1] })],
    [/^\/offers\/([^/]+)\/(accept|skip|remove|cancel)$/, null, (x) => ({ offer_id: x[1] })],
    [/^\/calls\/([^/]+)\/cancel$/, 'cancel_call', (x) => ({ call_id: x[1] })],
    [/^\/calls\/([^/]+)\/end$/, 'end_call', (x) => ({ call_id: x[1] })],
    [/^\/calls\/([^/]+)\/wrapup$/, 'wrapup', (x) => ({ ...body, call_id: x[1] })],
  ];
  if (M === 'POST') {
    for (const [re, op, argsOf] of ops) {
      const x = path.match(re);
      if (x) return reply(agentOp(user, op ?? x[2], argsOf(x)), 200, op === 'preview_request' ? undefined : { ok: true });
    }
  }
  return send(res, 404, err(404, 'NOT_FOUND', 'No such endpoint.').body);
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/healthz') return send(res, 200, { status: 'ok', version: 'mock' });
  if (url.pathname.startsWith('/api/')) return handleApi(req, res, url).catch((e) => send(res, 500, err(500, 'INTERNAL', String(e)).body));
  serveStatic(req, res);
});
server.on('upgrade', (req, socket) => {
  const url = new URL(req.url, 'http://x');
  const user = url.pathname === '/api/v1/events' ? authUser(req, url) : null;
  if (!user) return socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
  acceptUpgrade(req, socket, (conn) => {
    const entry = { user, conn };
    sockets.add(entry);
    conn.onclose = () => sockets.delete(entry);
    const snap = user.role === 'agent' ? agentSnapshot(user.id) : { agents: [...live.keys()].map(agentSnapshot) };
    conn.send(JSON.stringify({ type: 'snapshot', ...snap }));
    conn.onmessage = (text) => {
      let m;
      try {
        m = JSON.parse(text);
      } catch {
        return;
      }
      if (!m || typeof m.op !== 'string') return;
      const r = agentOp(user, m.op, m);
      conn.send(JSON.stringify(r && r.status ? { type: 'ack', ref: m.ref, ok: false, error: r.body.error } : { type: 'ack', ref: m.ref, ok: true }));
    };
  });
});
const [host, port] = [listen.slice(0, listen.lastIndexOf(':')), Number(listen.slice(listen.lastIndexOf(':') + 1))];
server.listen(port, host, () => {
  console.log(`outdial mock listening: open http://${host}:${server.address().port}/`);
  if (demo) console.log("demo: tenant 'demo', admin admin/admin, supervisor supervisor/supervisor, agents agent1..agent3/agent");
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
