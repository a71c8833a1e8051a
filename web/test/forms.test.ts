import { describe, expect, it } from 'vitest';
import { FieldErrors, normalizeField } from '../src/form-errors.js';
import { emptyForm, formToSettings, localProblems, parseRanges, settingsToForm } from '../src/campaign-form.js';
import { errorFromBody } from '../src/api.js';
import { restFor } from '../src/agent-actions.js';

describe('server field errors → inputs', () => {
  const details = [
    { field: 'preview_offer_timeout_s', problem: 'must be between 10 and 7200 when preview_timeout_action is skip' },
    { field: 'cpa.min_silence_period_ms', problem: 'must be between 100 and 1000 (got 5)' },
    { field: 'retry.busy.delay_s', problem: 'must be between 0 and 2592000' },
    { field: 'dispositions[1].code', problem: "'sale' is used twice" },
    { field: 'calling_window.mon[0]', problem: 'expected HH:MM-HH:MM' },
    { field: 'mystery', problem: 'odd' },
  ];
  it('maps exact fields, nested paths and leaves the rest for the top of the form', () => {
    const e = new FieldErrors(details);
    expect(e.exact('preview_offer_timeout_s')).toHaveLength(1);
    expect(e.exact('cpa.min_silence_period_ms')[0]).toContain('100 and 1000');
    expect(e.exact('retry.busy.delay_s')).toHaveLength(1);
    expect(e.under('dispositions[1]')).toEqual(["code: 'sale' is used twice"]);
    expect(e.under('calling_window.mon')).toEqual(['[0]: expected HH:MM-HH:MM']);
    expect(e.exact('name')).toEqual([]);
    const rest = e.unclaimed(['name', 'preview_offer_timeout_s', 'cpa', 'retry', 'dispositions', 'calling_window']);
    expect(rest).toEqual([{ field: 'mystery', problem: 'odd' }]);
  });
  it('normalises other path spellings', () => {
    expect(normalizeField('calling_window/mon/0')).toBe('calling_window.mon.0');
    expect(normalizeField('retry[busy].delay_s')).toBe('retry.busy.delay_s');
    expect(normalizeField('dispositions[0].code')).toBe('dispositions[0].code');
  });
  it('reads the error body of API.md', () => {
    const e = errorFromBody(422, { error: { code: 'VALIDATION_FAILED', message: 'bad', details } });
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.details).toHaveLength(6);
    expect(errorFromBody(401, null).code).toBe('UNAUTHENTICATED');
    expect(errorFromBody(409, 'x').code).toBe('CONFLICT');
  });
});

describe('campaign form', () => {
  it('round-trips every setting', () => {
    const settings = {
      name: 'Spring',
      description: 'Renewals',
      mode: 'preview_direct' as const,
      teams: ['a', 'b'],
      priority: 7,
      caller_id: '+12015550100',
      preview_offer_timeout_s: 30,
      preview_timeout_action: 'remove' as const,
      preview_actions_disabled: ['skip' as const],
      reservation_ring_limit_s: 15,
      no_answer_ring_limit_s: 40,
      displayed_fields: ['plan'],
      cpa: { enabled: false, amd_enabled: false, terminating_tone_detect: true, min_silence_period_ms: 700, analysis_period_ms: 2000, minimum_valid_speech_ms: 100, max_time_analysis_ms: 4000, max_term_tone_analysis_ms: 20000 },
      on_machine: 'hangup' as const,
      max_attempts: 5,
      max_attempts_per_number: 2,
      retry: { busy: { delay_s: 60, counts_as_attempt: false } },
      calling_window: { mon: ['09:00-12:00', '13:00-20:00'], tue: ['00:00-24:00'], holidays: ['2026-12-25'] },
      dnc_lists: ['vip'],
      dispositions: [{ code: 'sale', label: 'Sale', result: 'success' as const }, { code: 'cb', label: 'CB', result: 'callback' as const }],
      wrap_up_timeout_s: 0,
      default_disposition: 'sale',
    };
    const out = formToSettings(settingsToForm(settings));
    expect(out).toMatchObject({ ...settings, retry: { busy: { delay_s: 60, counts_as_attempt: false } } });
    expect((out.retry as Record<string, unknown>).no_answer).toEqual({ delay_s: 1800, counts_as_attempt: true });
    expect(out.calling_window).toEqual({ mon: ['09:00-12:00', '13:00-20:00'], tue: ['00:00-24:00'], wed: [], thu: [], fri: [], sat: [], sun: [], holidays: ['2026-12-25'] });
  });
  it('defaults follow PRODUCT.md §3', () => {
    const out = formToSettings({ ...emptyForm(), name: 'x' });
    expect(out).toMatchObject({ priority: 5, preview_offer_timeout_s: 600, preview_timeout_action: 'skip', reservation_ring_limit_s: 20, no_answer_ring_limit_s: 32, max_attempts: 3, wrap_up_timeout_s: 120 });
    expect((out.calling_window as Record<string, string[]>).mon).toEqual(['09:00-20:00']);
    expect((out.calling_window as Record<string, string[]>).sat).toEqual(['09:00-20:00']);
    expect((out.calling_window as Record<string, string[]>).sun).toEqual([]);
    expect(out).not.toHaveProperty('caller_id');
  });
  it('passes a non-number through so the server names the field', () => {
    const f = emptyForm();
    f.priority = 'abc';
    f.max_attempts = '';
    const out = formToSettings(f);
    expect(out.priority).toBe('abc');
    expect(out).not.toHaveProperty('max_attempts');
  });
  it('normalises ranges and finds local problems', () => {
    expect(parseRanges('09:00 - 12:00, 13:00–20:00')).toEqual(['09:00-12:00', '13:00-20:00']);
    const f = emptyForm();
    f.dispositions = [{ code: 'a', label: 'A', result: 'final' }, { code: 'a', label: 'B', result: 'final' }];
    expect(localProblems(f)).toEqual([
      { field: 'name', problem: 'must not be empty' },
      { field: 'dispositions[1].code', problem: "'a' is used twice" },
    ]);
  });
});

describe('agent operations over REST', () => {
  it('maps every WebSocket op to its REST call', () => {
    expect(restFor({ op: 'set_state', state: 'idle', reason: 'lunch' })).toEqual({ method: 'POST', path: '/agent/state', body: { state: 'idle', reason: 'lunch' } });
    expect(restFor({ op: 'preview_request' }).path).toBe('/agent/preview-request');
    expect(restFor({ op: 'answer_reservation', reservation_id: 'r/1' }).path).toBe('/reservations/r%2F1/answer');
    expect(restFor({ op: 'skip', offer_id: 'o1' }).path).toBe('/offers/o1/skip');
    expect(restFor({ op: 'cancel_call', call_id: 'c' }).path).toBe('/calls/c/cancel');
    expect(restFor({ op: 'end_call', call_id: 'c' }).path).toBe('/calls/c/end');
    expect(restFor({ op: 'wrapup', call_id: 'c', disposition: 'cb', callback_at: 5 })).toEqual({ method: 'POST', path: '/calls/c/wrapup', body: { disposition: 'cb', callback_at: 5 } });
  });
});
