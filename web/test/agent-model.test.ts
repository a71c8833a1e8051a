import { describe, expect, it } from 'vitest';
import { applyActionError, applyWrapupDone, initialAgentModel, isFreeState, reduceAgent, type AgentModel } from '../src/agent-model.js';
import type { ServerEvent } from '../src/types.js';

const offer = (id: string, extra: Partial<Record<string, unknown>> = {}): ServerEvent =>
  ({
    type: 'offer',
    agent_id: 'a1',
    offer_id: id,
    reservation_id: 'r1',
    campaign: { id: 'c1', name: 'Spring', description: 'Spring renewals', mode: 'preview_standard' },
    contact: { id: 'k' + id, name: 'Ada ' + id, phone: '+12015550100', fields: { plan: 'gold' } },
    expires_at: 100_000,
    timeout_action: 'skip',
    actions: { accept: true, skip: true, remove: false, cancel: true },
    ...extra,
  }) as ServerEvent;

const call = (state: string, extra: Partial<Record<string, unknown>> = {}): ServerEvent =>
  ({
    type: 'call',
    agent_id: 'a1',
    call_id: 'call1',
    offer_id: 'o1',
    campaign_id: 'c1',
    contact_id: 'ko1',
    number: '+12015550100',
    state,
    started_at: 1000,
    can_cancel: false,
    ...extra,
  }) as ServerEvent;

function run(events: ServerEvent[], start: AgentModel = initialAgentModel()): AgentModel {
  return events.reduce((m, e) => reduceAgent(m, e, 5000), start);
}

describe('agent reducer', () => {
  it('follows a full Standard Preview cycle', () => {
    let m = run([
      { type: 'snapshot', agent_id: 'a1', state: 'idle', reason: null, reservation: null, offer: null, call: null } as ServerEvent,
      { type: 'agent.state', agent_id: 'a1', state: 'available', reason: null, since: 1 },
      { type: 'reservation', agent_id: 'a1', reservation_id: 'r1', campaign_id: 'c1', state: 'ringing' },
    ]);
    expect(m.state).toBe('available');
    expect(m.reservation?.state).toBe('ringing');
    m = run([{ type: 'reservation', agent_id: 'a1', reservation_id: 'r1', campaign_id: 'c1', state: 'answered' }, offer('o1')], m);
    expect(m.offer?.contact.name).toBe('Ada o1');
    expect(m.offer?.actions.remove).toBe(false);
    m = run([{ type: 'offer.closed', agent_id: 'a1', offer_id: 'o1', action: 'accept', by: 'agent' }], m);
    expect(m.offer).toBeNull();
    expect(m.task?.campaign.description).toBe('Spring renewals');
    m = run([call('dialing'), call('ringing', { can_cancel: true })], m);
    expect(m.call?.state).toBe('ringing');
    expect(m.call?.can_cancel).toBe(true);
    m = run([call('connected', { answered_at: 3000 })], m);
    expect(m.call?.state).toBe('connected');
    m = run([call('ended', { answered_at: 3000 })], m);
    expect(m.call?.state).toBe('ended');
    expect(m.task).not.toBeNull(); // the card stays for wrap-up
    m = run([
      { type: 'agent.state', agent_id: 'a1', state: 'wrap_up', reason: null, since: 9 },
      { type: 'wrapup', agent_id: 'a1', call_id: 'call1', dispositions: [{ code: 'sale', label: 'Sale' }] },
    ], m);
    expect(m.wrapup?.dispositions).toHaveLength(1);
    m = applyWrapupDone(m, 'call1');
    expect(m.call).toBeNull();
    m = run([{ type: 'agent.state', agent_id: 'a1', state: 'available', reason: null, since: 10 }], m);
    expect(m.state).toBe('available');
    expect(m.wrapup).toBeNull();
  });

  it('shows the reason of a failed attempt and replaces the card with the next offer', () => {
    let m = run([offer('o1'), { type: 'offer.closed', agent_id: 'a1', offer_id: 'o1', action: 'accept', by: 'agent' }, call('ringing')]);
    m = run([{ type: 'attempt.failed', agent_id: 'a1', call_id: 'call1', offer_id: 'o1', reason_code: 'CUSTOMER_BUSY', sip_code: 486 }], m);
    expect(m.latest?.code).toBe('CUSTOMER_BUSY');
    expect(m.call?.state).toBe('ended');
    m = run([offer('o2')], m);
    expect(m.offer?.offer_id).toBe('o2');
    expect(m.call).toBeNull();
    expect(m.task).toBeNull();
    expect(m.latest?.code).toBe('CUSTOMER_BUSY');
  });

  it('records a timeout close and a notice', () => {
    let m = run([offer('o1'), { type: 'offer.closed', agent_id: 'a1', offer_id: 'o1', action: 'skip', by: 'timeout' }]);
    expect(m.offer).toBeNull();
    expect(m.lastClosed).toMatchObject({ action: 'skip', by: 'timeout', counted: true });
    m = run([{ type: 'notice', agent_id: 'a1', reason_code: 'TENANT_CONCURRENT_CALL_LIMIT', message: 'limit' }], m);
    expect(m.latest).toMatchObject({ code: 'TENANT_CONCURRENT_CALL_LIMIT', source: 'notice' });
  });

  it('timeout accept (0 s) opens the task card from the offer', () => {
    const m = run([offer('o1', { expires_at: null, timeout_action: 'accept' }), { type: 'offer.closed', agent_id: 'a1', offer_id: 'o1', action: 'accept', by: 'timeout' }]);
    expect(m.task?.offer_id).toBe('o1');
    expect(m.lastClosed?.counted).toBe(false); // no countdown was shown: no "time ran out" notice
  });

  it('restores from a snapshot, keeping the card of the call in progress', () => {
    const before = run([offer('o1'), { type: 'offer.closed', agent_id: 'a1', offer_id: 'o1', action: 'accept', by: 'agent' }, call('ringing')]);
    const after = reduceAgent(
      before,
      {
        type: 'snapshot',
        state: 'connected',
        reason: null,
        reservation: { id: 'r1', campaign_id: 'c1', state: 'answered' },
        offer: null,
        call: { id: 'call1', offer_id: 'o1', campaign_id: 'c1', contact_id: 'ko1', number: '+1', state: 'connected', started_at: 1000, can_cancel: false },
      } as ServerEvent,
      6000,
    );
    expect(after.state).toBe('connected');
    expect(after.call?.call_id).toBe('call1');
    expect(after.call?.state).toBe('connected');
    expect(after.task?.contact.name).toBe('Ada o1');
    expect(after.reservation?.reservation_id).toBe('r1');
    expect(after.snapshotAt).toBe(6000);
  });

  it('a fresh desktop (page reload) rebuilds the card and wrap-up from the snapshot alone', () => {
    const snapshot = {
      type: 'snapshot',
      agent_id: 'a1',
      state: 'wrap_up',
      reason: null,
      reservation: null,
      offer: null,
      call: { ...(call('ended') as object), outcome: 'connected' },
      task: offer('o1'),
      wrapup: { type: 'wrapup', agent_id: 'a1', call_id: 'call1', dispositions: [{ code: 'sale', label: 'Sale', result: 'success' }], deadline_at: 90_000 },
    } as unknown as ServerEvent;
    const m = reduceAgent(initialAgentModel(), snapshot, 7000);
    expect(m.state).toBe('wrap_up');
    expect(m.task?.contact.name).toBe('Ada o1');
    expect(m.task?.contact.fields).toEqual({ plan: 'gold' });
    expect(m.task?.campaign.description).toBe('Spring renewals');
    expect(m.wrapup?.call_id).toBe('call1');
    expect(m.wrapup?.dispositions.map((d) => d.code)).toEqual(['sale']);
    expect(m.wrapup?.deadline_at).toBe(90_000);
  });

  it('a snapshot without offer clears a stale dialog', () => {
    const before = run([offer('o1')]);
    const after = reduceAgent(before, { type: 'snapshot', state: 'available', reason: null, reservation: null, offer: null, call: null } as ServerEvent, 1);
    expect(after.offer).toBeNull();
  });

  it('a snapshot in wrap-up keeps the wrap-up form', () => {
    const m = run([
      call('ended', { answered_at: 2 }),
      { type: 'wrapup', agent_id: 'a1', call_id: 'call1', dispositions: [{ code: 'sale', label: 'Sale' }] },
    ]);
    const after = reduceAgent(m, { type: 'snapshot', state: 'wrap_up', reason: null, reservation: null, offer: null, call: { call_id: 'call1', offer_id: 'o1', state: 'ended', started_at: 1 } } as ServerEvent, 1);
    expect(after.wrapup?.dispositions[0].code).toBe('sale');
  });

  it('RESERVATION_NOT_ANSWERED as the idle reason becomes the latest reason code', () => {
    const m = run([{ type: 'agent.state', agent_id: 'a1', state: 'idle', reason: 'RESERVATION_NOT_ANSWERED', since: 1 }]);
    expect(m.latest?.code).toBe('RESERVATION_NOT_ANSWERED');
    expect(m.state).toBe('idle');
  });

  it('ignores other agents once it knows its own id', () => {
    const m = run([{ type: 'snapshot', agent_id: 'a1', state: 'available', reason: null, reservation: null, offer: null, call: null } as ServerEvent]);
    const after = reduceAgent(m, { type: 'agent.state', agent_id: 'a2', state: 'idle', reason: null, since: 1 }, 1);
    expect(after.state).toBe('available');
  });

  it('an action error becomes the latest reason', () => {
    const m = applyActionError(initialAgentModel(), 'ACTION_DISABLED', 'no', 1);
    expect(m.latest).toMatchObject({ code: 'ACTION_DISABLED', source: 'action' });
  });

  it('the campaign icon is enabled only while not handling a contact', () => {
    expect(isFreeState('available')).toBe(true);
    expect(isFreeState('idle')).toBe(true);
    for (const s of ['reserved', 'previewing', 'dialing', 'ringing', 'connected', 'wrap_up'] as const) expect(isFreeState(s)).toBe(false);
  });
});

describe('agent reducer: server extensions', () => {
  it('takes reason_code of agent.state and offer.closed', () => {
    let m = run([{ type: 'agent.state', agent_id: 'a1', state: 'idle', reason: 'Reservation call not answered', reason_code: 'RESERVATION_NOT_ANSWERED', since: 1 } as ServerEvent]);
    expect(m.latest?.code).toBe('RESERVATION_NOT_ANSWERED');
    m = run([offer('o1'), { type: 'offer.closed', agent_id: 'a1', offer_id: 'o1', action: 'accept', by: 'system', reason_code: 'OUTSIDE_CALLING_WINDOW' } as ServerEvent], m);
    expect(m.latest?.code).toBe('OUTSIDE_CALLING_WINDOW');
    expect(m.offer).toBeNull();
    expect(m.task).toBeNull(); // nothing is dialled
  });
  it('reads snapshot parts that carry their event type', () => {
    const m = reduceAgent(initialAgentModel(), {
      type: 'snapshot', agent_id: 'a1', state: 'previewing', reason: null, reason_code: null, since: 5,
      reservation: { type: 'reservation', agent_id: 'a1', reservation_id: '7', campaign_id: '1', state: 'answered' },
      offer: { type: 'offer', agent_id: 'a1', offer_id: '9', campaign: { id: '1', name: 'n', description: 'd', mode: 'preview_standard' }, contact: { id: '3', name: 'Zoe', phone: '+1', fields: {} }, expires_at: null, timeout_action: 'skip', actions: { accept: true, skip: false, remove: true, cancel: true } },
      call: null,
    } as ServerEvent, 1);
    expect(m.offer?.contact.name).toBe('Zoe');
    expect(m.offer?.actions.skip).toBe(false);
    expect(m.reservation?.reservation_id).toBe('7');
    expect(m.since).toBe(5);
  });
});

describe('agent reducer: reservations', () => {
  it('an answered reservation is dropped when the agent is Available again; a ringing one stays', () => {
    let m = run([{ type: 'reservation', agent_id: 'a1', reservation_id: 'r1', campaign_id: 'c1', state: 'answered' }]);
    m = run([{ type: 'agent.state', agent_id: 'a1', state: 'available', reason: null, since: 1 }], m);
    expect(m.reservation).toBeNull();
    m = run([{ type: 'reservation', agent_id: 'a1', reservation_id: 'r2', campaign_id: 'c1', state: 'ringing' }, { type: 'agent.state', agent_id: 'a1', state: 'available', reason: null, since: 2 }], m);
    expect(m.reservation?.reservation_id).toBe('r2');
  });
  it('the end of the reservation closes its dialog', () => {
    const m = run([offer('o1'), { type: 'reservation', agent_id: 'a1', reservation_id: 'r1', campaign_id: 'c1', state: 'ended' }]);
    expect(m.offer).toBeNull();
    expect(m.reservation).toBeNull();
  });
});
