// Campaign settings (PRODUCT.md §3) ⇄ the admin form. Lists are edited as comma-separated text
// and calling-window days as "09:00-12:00, 13:00-20:00"; the server validates ranges, the form
// only shapes the values and shows the server's field problems next to the inputs.
import type { CampaignSettings, Cpa, Disposition, RetryRule, Weekday } from './types.js';

export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export const RETRY_KEYS = [
  'busy',
  'no_answer',
  'machine',
  'network_error',
  'rejected',
  'cancelled',
  'skipped',
  'interrupted',
  'connected', // a connected call disposed `retry` (docs/architecture.md)
] as const;

export const DEFAULT_RETRY: Record<string, RetryRule> = {
  busy: { delay_s: 300, counts_as_attempt: true },
  no_answer: { delay_s: 1800, counts_as_attempt: true },
  machine: { delay_s: 3600, counts_as_attempt: true },
  network_error: { delay_s: 600, counts_as_attempt: true },
  rejected: { delay_s: 3600, counts_as_attempt: true },
  cancelled: { delay_s: 600, counts_as_attempt: true },
  skipped: { delay_s: 0, counts_as_attempt: false },
  interrupted: { delay_s: 1800, counts_as_attempt: true },
  connected: { delay_s: 3600, counts_as_attempt: true },
};

export const DEFAULT_CPA: Cpa = {
  enabled: true,
  amd_enabled: true,
  terminating_tone_detect: false,
  min_silence_period_ms: 608,
  analysis_period_ms: 1000,
  minimum_valid_speech_ms: 112,
  max_time_analysis_ms: 3000,
  max_term_tone_analysis_ms: 30000,
};

export const DEFAULT_DISPOSITIONS: Disposition[] = [
  { code: 'sale', label: 'Sale / goal reached', result: 'success' },
  { code: 'callback', label: 'Call back later', result: 'callback' },
  { code: 'not_interested', label: 'Not interested', result: 'final' },
  { code: 'voicemail_left', label: 'Left a voicemail', result: 'retry' },
  { code: 'try_again', label: 'Try again later', result: 'retry' },
  { code: 'wrong_number', label: 'Wrong person or number', result: 'final' },
  { code: 'do_not_call', label: 'Do not call again', result: 'do_not_call' },
];

export interface CampaignForm {
  name: string;
  description: string;
  mode: CampaignSettings['mode'];
  teams: string;
  priority: string;
  caller_id: string;
  preview_offer_timeout_s: string;
  preview_timeout_action: CampaignSettings['preview_timeout_action'];
  skip_disabled: boolean;
  remove_disabled: boolean;
  reservation_ring_limit_s: string;
  no_answer_ring_limit_s: string;
  displayed_fields: string;
  cpa: { enabled: boolean; amd_enabled: boolean; terminating_tone_detect: boolean } & Record<
    'min_silence_period_ms' | 'analysis_period_ms' | 'minimum_valid_speech_ms' | 'max_time_analysis_ms' | 'max_term_tone_analysis_ms',
    string
  >;
  on_machine: 'connect' | 'hangup';
  max_attempts: string;
  max_attempts_per_number: string;
  retry: Record<string, { delay_s: string; counts_as_attempt: boolean }>;
  calling_window: Record<Weekday, string>;
  holidays: string;
  dnc_lists: string;
  dispositions: Disposition[];
  wrap_up_timeout_s: string;
  default_disposition: string;
}

export const CPA_NUMBER_FIELDS = [
  'min_silence_period_ms',
  'analysis_period_ms',
  'minimum_valid_speech_ms',
  'max_time_analysis_ms',
  'max_term_tone_analysis_ms',
] as const;

export function splitList(text: string): string[] {
  return text
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

// "09:00 - 12:00, 13:00-20:00" → ["09:00-12:00", "13:00-20:00"]; invalid text is passed on
// unchanged so the server names the problem.
export function parseRanges(text: string): string[] {
  return splitList(text).map((r) => r.replace(/\s*[-–]\s*/, '-'));
}

// A number input: "" stays "" → the setting is left out (server default); otherwise a number,
// or NaN-free passthrough of the raw text so the server can reject it by field name.
function num(text: string): number | string | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : s;
}

export function emptyForm(): CampaignForm {
  return settingsToForm({});
}

export function settingsToForm(c: Partial<CampaignSettings>): CampaignForm {
  const cpa = { ...DEFAULT_CPA, ...(c.cpa ?? {}) };
  const retry: CampaignForm['retry'] = {};
  for (const k of RETRY_KEYS) {
    const r = { ...DEFAULT_RETRY[k], ...(c.retry?.[k] ?? {}) };
    retry[k] = { delay_s: String(r.delay_s), counts_as_attempt: r.counts_as_attempt };
  }
  const cw = c.calling_window;
  const calling_window = {} as Record<Weekday, string>;
  for (const d of WEEKDAYS) {
    calling_window[d] = cw ? (cw[d] ?? []).join(', ') : d === 'sun' ? '' : '09:00-20:00';
  }
  const disabled = c.preview_actions_disabled ?? [];
  return {
    name: c.name ?? '',
    description: c.description ?? '',
    mode: c.mode ?? 'preview_standard',
    teams: (c.teams ?? []).join(', '),
    priority: String(c.priority ?? 5),
    caller_id: c.caller_id ?? '',
    preview_offer_timeout_s: String(c.preview_offer_timeout_s ?? 600),
    preview_timeout_action: c.preview_timeout_action ?? 'skip',
    skip_disabled: disabled.includes('skip'),
    remove_disabled: disabled.includes('remove'),
    reservation_ring_limit_s: String(c.reservation_ring_limit_s ?? 20),
    no_answer_ring_limit_s: String(c.no_answer_ring_limit_s ?? 32),
    displayed_fields: (c.displayed_fields ?? []).join(', '),
    cpa: {
      enabled: cpa.enabled,
      amd_enabled: cpa.amd_enabled,
      terminating_tone_detect: cpa.terminating_tone_detect,
      min_silence_period_ms: String(cpa.min_silence_period_ms),
      analysis_period_ms: String(cpa.analysis_period_ms),
      minimum_valid_speech_ms: String(cpa.minimum_valid_speech_ms),
      max_time_analysis_ms: String(cpa.max_time_analysis_ms),
      max_term_tone_analysis_ms: String(cpa.max_term_tone_analysis_ms),
    },
    on_machine: c.on_machine ?? 'connect',
    max_attempts: String(c.max_attempts ?? 3),
    max_attempts_per_number: String(c.max_attempts_per_number ?? 3),
    retry,
    calling_window,
    holidays: (cw?.holidays ?? []).join(', '),
    dnc_lists: (c.dnc_lists ?? []).join(', '),
    dispositions: (c.dispositions ?? DEFAULT_DISPOSITIONS).map((d) => ({ ...d })),
    wrap_up_timeout_s: String(c.wrap_up_timeout_s ?? 120),
    default_disposition: c.default_disposition ?? '',
  };
}

// The JSON body for POST/PATCH /campaigns. Every setting is sent, so an edit is exactly what
// the form shows.
export function formToSettings(f: CampaignForm): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: f.name.trim(),
    description: f.description,
    mode: f.mode,
    teams: splitList(f.teams),
    priority: num(f.priority),
    preview_offer_timeout_s: num(f.preview_offer_timeout_s),
    preview_timeout_action: f.preview_timeout_action,
    preview_actions_disabled: [...(f.skip_disabled ? ['skip'] : []), ...(f.remove_disabled ? ['remove'] : [])],
    reservation_ring_limit_s: num(f.reservation_ring_limit_s),
    no_answer_ring_limit_s: num(f.no_answer_ring_limit_s),
    displayed_fields: splitList(f.displayed_fields),
    cpa: {
      enabled: f.cpa.enabled,
      amd_enabled: f.cpa.amd_enabled,
      terminating_tone_detect: f.cpa.terminating_tone_detect,
      ...Object.fromEntries(CPA_NUMBER_FIELDS.map((k) => [k, num(f.cpa[k])]).filter(([, v]) => v !== undefined)),
    },
    on_machine: f.on_machine,
    max_attempts: num(f.max_attempts),
    max_attempts_per_number: num(f.max_attempts_per_number),
    retry: Object.fromEntries(
      RETRY_KEYS.map((k) => [k, { delay_s: num(f.retry[k].delay_s) ?? 0, counts_as_attempt: f.retry[k].counts_as_attempt }]),
    ),
    calling_window: {
      ...Object.fromEntries(WEEKDAYS.map((d) => [d, parseRanges(f.calling_window[d])])),
      holidays: splitList(f.holidays),
    },
    dnc_lists: splitList(f.dnc_lists),
    dispositions: f.dispositions.map((d) => ({ code: d.code.trim(), label: d.label.trim(), result: d.result })),
    wrap_up_timeout_s: num(f.wrap_up_timeout_s),
  };
  if (f.caller_id.trim()) out.caller_id = f.caller_id.trim();
  if (f.default_disposition) out.default_disposition = f.default_disposition;
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out;
}

// Checks the browser can make before sending (the server checks everything again).
export function localProblems(f: CampaignForm): { field: string; problem: string }[] {
  const p: { field: string; problem: string }[] = [];
  if (!f.name.trim()) p.push({ field: 'name', problem: 'must not be empty' });
  const codes = new Set<string>();
  f.dispositions.forEach((d, i) => {
    if (!d.code.trim()) p.push({ field: `dispositions[${i}].code`, problem: 'must not be empty' });
    else if (codes.has(d.code.trim())) p.push({ field: `dispositions[${i}].code`, problem: `'${d.code.trim()}' is used twice` });
    codes.add(d.code.trim());
  });
  return p;
}
