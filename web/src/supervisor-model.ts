// The supervisor view's state: every agent of the tenant (from the snapshot and agent events)
// and each campaign's latest stats frame with a short history for the live charts.
import { normalizeCall, normalizeOffer } from './agent-model.js';
import type { AgentStateName, CampaignStats, ServerEvent } from './types.js';

export interface AgentRow {
  agent_id: string;
  username: string | null;
  state: AgentStateName;
  reason: string | null;
  since: number | null;
  contactName: string | null;
  contactNumber: string | null;
  campaignId: string | null;
  offerId: string | null;
  callState: string | null;
}

export interface CampaignLive {
  campaign_id: string;
  stats: CampaignStats;
  history: { at: number; active: number; attempts: number }[];
}

export interface SupervisorModel {
  agents: Record<string, AgentRow>;
  campaigns: Record<string, CampaignLive>;
  snapshotAt: number | null;
}

export const HISTORY_LENGTH = 120;

export function initialSupervisorModel(): SupervisorModel {
  return { agents: {}, campaigns: {}, snapshotAt: null };
}

function emptyRow(id: string): AgentRow {
  return {
    agent_id: id,
    username: null,
    state: 'logged_out',
    reason: null,
    since: null,
    contactName: null,
    contactNumber: null,
    campaignId: null,
    offerId: null,
    callState: null,
  };
}

function rowFromSnapshot(o: Record<string, unknown>, prev: AgentRow | undefined): AgentRow | null {
  const user = (o.user && typeof o.user === 'object' ? o.user : {}) as Record<string, unknown>;
  const id = String(o.agent_id ?? o.id ?? user.id ?? '');
  if (!id) return null;
  const row: AgentRow = { ...(prev ?? emptyRow(id)) };
  row.username = (o.username ?? user.username ?? row.username ?? null) as string | null;
  if (typeof o.state === 'string') row.state = o.state as AgentStateName;
  row.reason = (o.reason as string | null) ?? null;
  row.since = typeof o.since === 'number' ? o.since : row.since;
  const offer = normalizeOffer(o.offer);
  const call = normalizeCall(o.call);
  row.contactName = offer?.contact.name || null;
  row.contactNumber = call?.number ?? offer?.contact.phone ?? null;
  row.campaignId = call?.campaign_id ?? offer?.campaign.id ?? null;
  row.offerId = offer?.offer_id ?? call?.offer_id ?? null;
  row.callState = call?.state ?? null;
  if (call && !row.contactName && prev && prev.offerId === call.offer_id) row.contactName = prev.contactName;
  return row;
}

function agentList(ev: Record<string, unknown>): Record<string, unknown>[] {
  for (const k of ['agents', 'items']) {
    if (Array.isArray(ev[k])) return ev[k] as Record<string, unknown>[];
  }
  return [];
}

export function reduceSupervisor(m: SupervisorModel, ev: ServerEvent, now: number): SupervisorModel {
  switch (ev.type) {
    case 'snapshot': {
      const agents: Record<string, AgentRow> = {};
      for (const a of agentList(ev as Record<string, unknown>)) {
        if (!a || typeof a !== 'object') continue;
        const row = rowFromSnapshot(a, m.agents[String(a.agent_id ?? a.id ?? '')]);
        if (row) agents[row.agent_id] = row;
      }
      return { ...m, agents, snapshotAt: now };
    }
    case 'agent.state': {
      const prev = m.agents[ev.agent_id] ?? emptyRow(ev.agent_id);
      const row: AgentRow = { ...prev, state: ev.state, reason: ev.reason ?? null, since: ev.since ?? now };
      if (ev.state === 'available' || ev.state === 'idle' || ev.state === 'logged_out') {
        row.contactName = null;
        row.contactNumber = null;
        row.campaignId = null;
        row.offerId = null;
        row.callState = null;
      }
      return { ...m, agents: { ...m.agents, [ev.agent_id]: row } };
    }
    case 'offer': {
      const id = ev.agent_id;
      if (!id) return m;
      const prev = m.agents[id] ?? emptyRow(id);
      const offer = normalizeOffer(ev);
      if (!offer) return m;
      const row: AgentRow = {
        ...prev,
        contactName: offer.contact.name,
        contactNumber: offer.contact.phone,
        campaignId: offer.campaign.id,
        offerId: offer.offer_id,
        callState: null,
      };
      return { ...m, agents: { ...m.agents, [id]: row } };
    }
    case 'call': {
      const id = ev.agent_id;
      if (!id) return m;
      const prev = m.agents[id] ?? emptyRow(id);
      const row: AgentRow = {
        ...prev,
        contactNumber: ev.number ?? prev.contactNumber,
        campaignId: ev.campaign_id ?? prev.campaignId,
        callState: ev.state,
        contactName: prev.offerId === ev.offer_id ? prev.contactName : null,
        offerId: ev.offer_id,
      };
      return { ...m, agents: { ...m.agents, [id]: row } };
    }
    case 'stats': {
      const { type: _type, campaign_id, ...rest } = ev;
      void _type;
      const stats = rest as CampaignStats;
      const prev = m.campaigns[campaign_id];
      const history = [...(prev?.history ?? []), { at: now, active: stats.active_calls ?? 0, attempts: stats.attempts?.total ?? 0 }];
      if (history.length > HISTORY_LENGTH) history.splice(0, history.length - HISTORY_LENGTH);
      return { ...m, campaigns: { ...m.campaigns, [campaign_id]: { campaign_id, stats, history } } };
    }
    default:
      return m;
  }
}
