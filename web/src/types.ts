// Wire types of API.md that the pages use. Fields the contract marks optional are optional here.
export type AgentStateName =
  | 'logged_out'
  | 'idle'
  | 'available'
  | 'reserved'
  | 'previewing'
  | 'dialing'
  | 'ringing'
  | 'connected'
  | 'wrap_up';

export type Role = 'system' | 'admin' | 'supervisor' | 'agent';

export interface User {
  id: string;
  username: string;
  role: Role;
  tenant_id?: string;
  team?: string | null;
  station?: string | null;
}

export interface LoginAnswer {
  token: string;
  expires_at: number;
  user: User;
}

export type CampaignMode = 'preview' | 'preview_standard' | 'preview_direct';
export type OfferAction = 'accept' | 'skip' | 'remove' | 'cancel';

export interface OfferActions {
  accept: boolean;
  skip: boolean;
  remove: boolean;
  cancel: boolean;
}

export interface Offer {
  agent_id?: string;
  offer_id: string;
  reservation_id?: string | null;
  campaign: { id: string; name: string; description: string; mode: CampaignMode };
  contact: { id: string; name: string; phone: string; fields: Record<string, unknown> };
  expires_at: number | null;
  timeout_action: 'accept' | 'skip' | 'remove';
  actions: OfferActions;
}

export type CallState = 'dialing' | 'ringing' | 'connected' | 'ended';
export type AmdResult = 'human' | 'machine' | 'fax' | 'unknown';

export interface Call {
  agent_id?: string;
  call_id: string;
  offer_id: string;
  campaign_id: string;
  contact_id: string;
  number: string;
  state: CallState;
  started_at: number;
  answered_at?: number | null;
  can_cancel: boolean;
  amd_result?: AmdResult | null;
}

export interface Reservation {
  reservation_id: string;
  campaign_id: string;
  state: 'ringing' | 'answered' | 'ended';
  reason_code?: string | null;
}

export interface DispositionChoice {
  code: string;
  label: string;
  result?: DispositionResult;
}

export interface Wrapup {
  call_id: string;
  dispositions: DispositionChoice[];
  deadline_at?: number | null;
}

export type DispositionResult = 'success' | 'retry' | 'callback' | 'do_not_call' | 'final';

export interface Disposition {
  code: string;
  label: string;
  result: DispositionResult;
}

export interface RetryRule {
  delay_s: number;
  counts_as_attempt: boolean;
}

export interface Cpa {
  enabled: boolean;
  amd_enabled: boolean;
  terminating_tone_detect: boolean;
  min_silence_period_ms: number;
  analysis_period_ms: number;
  minimum_valid_speech_ms: number;
  max_time_analysis_ms: number;
  max_term_tone_analysis_ms: number;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export type CallingWindow = Partial<Record<Weekday, string[]>> & { holidays?: string[] };

export interface CampaignSettings {
  name: string;
  description: string;
  mode: CampaignMode;
  teams: string[];
  priority: number;
  caller_id: string;
  preview_offer_timeout_s: number;
  preview_timeout_action: 'accept' | 'skip' | 'remove';
  preview_actions_disabled: ('skip' | 'remove')[];
  reservation_ring_limit_s: number;
  no_answer_ring_limit_s: number;
  displayed_fields: string[];
  cpa: Cpa;
  on_machine: 'connect' | 'hangup';
  max_attempts: number;
  max_attempts_per_number: number;
  retry: Record<string, RetryRule>;
  calling_window: CallingWindow;
  dnc_lists: string[];
  dispositions: Disposition[];
  wrap_up_timeout_s: number;
  default_disposition: string;
}

export interface Campaign extends Partial<CampaignSettings> {
  id: string;
  name: string;
  mode: CampaignMode;
  status?: 'draft' | 'running' | 'paused' | 'stopped' | string;
  description?: string;
}

export interface ContactCounts {
  total: number;
  callable: number;
  scheduled: number;
  in_progress: number;
  done: number;
  removed: number;
  dnc: number;
  exhausted: number;
}

export interface CampaignStats {
  contacts: ContactCounts;
  attempts: { total: number; by_outcome: Record<string, number> };
  agents: { available: number; reserved: number; on_call: number; wrap_up: number; idle: number };
  active_calls: number;
  // Extensions of API.md v1 that the server sends: both limits beside what counts against them.
  tenant_active_calls?: number;
  tenant_max_concurrent_calls?: number;
  datacenter_active_calls?: number;
  datacenter_max_concurrent_calls?: number;
}

export interface ImportResult {
  accepted: number;
  rejected: number;
  errors: { row: number; field: string; problem: string }[];
}

export interface ErrorDetail {
  field: string;
  problem: string;
}

// One server → client frame of /api/v1/events.
export type ServerEvent =
  | ({ type: 'snapshot' } & Record<string, unknown>)
  | ({ type: 'agent.state'; agent_id: string; state: AgentStateName; reason: string | null; reason_code?: string | null; since: number })
  | ({ type: 'reservation'; agent_id: string } & Reservation)
  | ({ type: 'offer' } & Offer)
  | { type: 'offer.closed'; agent_id: string; offer_id: string; action: OfferAction; by: 'agent' | 'timeout' | 'system'; reason_code?: string | null }
  | ({ type: 'call' } & Call)
  | { type: 'attempt.failed'; agent_id: string; call_id: string; offer_id: string; reason_code: string; sip_code?: number }
  | ({ type: 'wrapup'; agent_id: string } & Wrapup)
  | { type: 'notice'; agent_id: string; reason_code: string; message: string }
  | ({ type: 'stats'; campaign_id: string } & CampaignStats)
  | { type: 'ack'; ref: string; ok: boolean; error?: { code: string; message: string; details?: ErrorDetail[] } };
