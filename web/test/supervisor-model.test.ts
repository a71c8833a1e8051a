import { describe, expect, it } from 'vitest';
import { HISTORY_LENGTH, initialSupervisorModel, reduceSupervisor } from '../src/supervisor-model.js';
import type { ServerEvent } from '../src/types.js';

const stats = (active: number): ServerEvent =>
  ({
    type: 'stats',
    campaign_id: 'c1',
    contacts: { total: 10, callable: 5, scheduled: 1, in_progress: 1, done: 2, removed: 1, dnc: 0, exhausted: 0 },
    attempts: { total: 4, by_outcome: { connected: 2, busy: 2 } },
    agents: { available: 1, reserved: 0, on_call: 1, wrap_up: 0, idle: 1 },
    active_calls: active,
  }) as ServerEvent;

describe('supervisor reducer', () => {
  it('builds rows from the snapshot and follows agent events', () => {
    let m = reduceSupervisor(
      initialSupervisorModel(),
      {
        type: 'snapshot',
        agents: [
          { agent_id: 'a1', username: 'agent1', state: 'available', reason: null, since: 100, reservation: null, offer: null, call: null },
          { agent_id: 'a2', username: 'agent2', state: 'idle', reason: 'lunch', since: 50 },
        ],
      } as ServerEvent,
      1,
    );
    expect(Object.keys(m.agents)).toEqual(['a1', 'a2']);
    m = reduceSupervisor(m, { type: 'agent.state', agent_id: 'a1', state: 'previewing', reason: null, since: 200 }, 2);
    m = reduceSupervisor(m, { type: 'offer', agent_id: 'a1', offer_id: 'o1', campaign: { id: 'c1', name: 'n', description: '', mode: 'preview' }, contact: { id: 'k', name: 'Ada', phone: '+1', fields: {} }, expires_at: null, timeout_action: 'skip', actions: { accept: true, skip: true, remove: false, cancel: false } } as ServerEvent, 3);
    expect(m.agents.a1).toMatchObject({ state: 'previewing', since: 200, contactName: 'Ada', username: 'agent1' });
    m = reduceSupervisor(m, { type: 'call', agent_id: 'a1', call_id: 'x', offer_id: 'o1', campaign_id: 'c1', contact_id: 'k', number: '+1', state: 'connected', started_at: 1, can_cancel: false } as ServerEvent, 4);
    expect(m.agents.a1).toMatchObject({ contactName: 'Ada', callState: 'connected' });
    m = reduceSupervisor(m, { type: 'agent.state', agent_id: 'a1', state: 'available', reason: null, since: 300 }, 5);
    expect(m.agents.a1.contactName).toBeNull();
    m = reduceSupervisor(m, { type: 'agent.state', agent_id: 'a3', state: 'available', reason: null, since: 300 }, 5);
    expect(m.agents.a3.state).toBe('available');
  });
  it('accepts {items:[…]} snapshots too', () => {
    const m = reduceSupervisor(initialSupervisorModel(), { type: 'snapshot', items: [{ id: 'a9', state: 'idle' }] } as ServerEvent, 1);
    expect(m.agents.a9.state).toBe('idle');
  });
  it('keeps the latest stats per campaign with a bounded history', () => {
    let m = initialSupervisorModel();
    for (let i = 0; i < HISTORY_LENGTH + 5; i++) m = reduceSupervisor(m, stats(i % 3), i);
    expect(m.campaigns.c1.stats.contacts.total).toBe(10);
    expect(m.campaigns.c1.history).toHaveLength(HISTORY_LENGTH);
    expect(m.campaigns.c1.history.at(-1)).toMatchObject({ active: (HISTORY_LENGTH + 4) % 3 });
  });
});
