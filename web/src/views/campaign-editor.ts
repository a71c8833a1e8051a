// Create/edit form for every campaign setting of PRODUCT.md §3. Problems the server reports
// (VALIDATION_FAILED details) are shown next to their input.
import { html, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { BaseElement } from '../base.js';
import { ApiError } from '../api.js';
import {
  CPA_NUMBER_FIELDS,
  RETRY_KEYS,
  WEEKDAYS,
  emptyForm,
  formToSettings,
  localProblems,
  settingsToForm,
  type CampaignForm,
} from '../campaign-form.js';
import { FieldErrors } from '../form-errors.js';
import { reasonSentence, t, tMaybe, type MessageKey } from '../i18n.js';
import { api } from '../session.js';
import type { Campaign, DispositionResult } from '../types.js';

const KNOWN = [
  'name', 'description', 'mode', 'teams', 'priority', 'caller_id', 'preview_offer_timeout_s',
  'preview_timeout_action', 'preview_actions_disabled', 'reservation_ring_limit_s',
  'no_answer_ring_limit_s', 'displayed_fields', 'cpa', 'on_machine', 'max_attempts',
  'max_attempts_per_number', 'retry', 'calling_window', 'dnc_lists', 'dispositions',
  'wrap_up_timeout_s', 'default_disposition',
];
const RESULTS: DispositionResult[] = ['success', 'retry', 'callback', 'do_not_call', 'final'];

@customElement('od-campaign-editor')
export class CampaignEditor extends BaseElement {
  @property({ attribute: false }) campaign: Campaign | null = null;
  @state() private f: CampaignForm = emptyForm();
  @state() private errors = new FieldErrors();
  @state() private topError = '';
  @state() private saving = false;

  willUpdate(changed: Map<string, unknown>) {
    if (changed.has('campaign')) {
      this.f = this.campaign ? settingsToForm(this.campaign) : emptyForm();
      this.errors = new FieldErrors();
      this.topError = '';
    }
  }

  private set<K extends keyof CampaignForm>(k: K, v: CampaignForm[K]) {
    this.f = { ...this.f, [k]: v };
  }

  private probs(list: string[]) {
    return list.length ? html`${list.map((p) => html`<span class="problem" data-testid="field-error">${p}</span>`)}` : nothing;
  }

  private text(field: keyof CampaignForm & string, label: MessageKey, opts: { type?: string; testid?: string } = {}): TemplateResult {
    const errs = this.errors.under(field);
    return html`<label class="field ${errs.length ? 'invalid' : ''}" data-field=${field}><span>${t(label)}</span>
      <input type=${opts.type ?? 'text'} name=${field} data-testid=${opts.testid ?? `campaign-${field}`} .value=${String(this.f[field] ?? '')}
        @input=${(e: Event) => this.set(field, (e.target as HTMLInputElement).value as never)} />
      ${this.probs(errs)}</label>`;
  }

  private select<K extends keyof CampaignForm & string>(field: K, label: MessageKey, options: [string, string][]): TemplateResult {
    const errs = this.errors.under(field);
    return html`<label class="field ${errs.length ? 'invalid' : ''}" data-field=${field}><span>${t(label)}</span>
      <select name=${field} data-testid=${`campaign-${field}`} @change=${(e: Event) => this.set(field, (e.target as HTMLSelectElement).value as never)}>
        ${options.map(([v, l]) => html`<option value=${v} ?selected=${this.f[field] === v}>${l}</option>`)}
      </select>${this.probs(errs)}</label>`;
  }

  private async save(e: Event) {
    e.preventDefault();
    const local = localProblems(this.f);
    if (local.length) {
      this.errors = new FieldErrors(local);
      this.topError = t('admin.fixErrors');
      return;
    }
    this.saving = true;
    this.topError = '';
    try {
      const body = formToSettings(this.f);
      const saved = this.campaign
        ? await api.patch<Campaign>(`/campaigns/${encodeURIComponent(this.campaign.id)}`, body)
        : await api.post<Campaign>('/campaigns', body);
      this.errors = new FieldErrors();
      this.dispatchEvent(new CustomEvent('saved', { detail: saved, bubbles: true }));
    } catch (err) {
      const ae = err instanceof ApiError ? err : new ApiError(0, 'INTERNAL', String(err));
      this.errors = new FieldErrors(ae.details);
      this.topError = ae.details.length ? t('admin.fixErrors') : `${ae.code}: ${reasonSentence(ae.code, ae.message)} ${ae.message && ae.message !== ae.code ? `(${ae.message})` : ''}`;
    } finally {
      this.saving = false;
    }
  }

  private renderDispositions() {
    const f = this.f;
    const upd = (i: number, patch: Partial<CampaignForm['dispositions'][number]>) => {
      const list = f.dispositions.map((d, j) => (j === i ? { ...d, ...patch } : d));
      this.set('dispositions', list);
    };
    return html`<fieldset data-field="dispositions"><legend>${t('campaign.dispositions')}</legend>
      ${this.probs(this.errors.exact('dispositions'))}
      <table><thead><tr><th>${t('campaign.disposition.code')}</th><th>${t('campaign.disposition.label')}</th><th>${t('campaign.disposition.result')}</th><th></th></tr></thead>
      <tbody>${f.dispositions.map((d, i) => {
        const errs = this.errors.under(`dispositions[${i}]`);
        return html`<tr class=${errs.length ? 'invalid' : ''} data-testid="disposition-row">
          <td><input data-testid="disposition-code" .value=${d.code} @input=${(e: Event) => upd(i, { code: (e.target as HTMLInputElement).value })} /></td>
          <td><input data-testid="disposition-label" .value=${d.label} @input=${(e: Event) => upd(i, { label: (e.target as HTMLInputElement).value })} /></td>
          <td><select data-testid="disposition-result" @change=${(e: Event) => upd(i, { result: (e.target as HTMLSelectElement).value as DispositionResult })}>
            ${RESULTS.map((r) => html`<option value=${r} ?selected=${d.result === r}>${t(`result.${r}`)}</option>`)}</select>
            ${this.probs(errs)}</td>
          <td><button type="button" class="small danger" @click=${() => this.set('dispositions', f.dispositions.filter((_, j) => j !== i))}>${t('admin.remove')}</button></td>
        </tr>`;
      })}</tbody></table>
      <div class="row" style="margin:.6rem 0">
        <button type="button" class="small" data-testid="disposition-add" @click=${() => this.set('dispositions', [...f.dispositions, { code: '', label: '', result: 'final' }])}>${t('admin.add')}</button>
      </div>
      <div class="grid2">
        ${this.select('default_disposition', 'campaign.default_disposition', [['', t('campaign.default_disposition.auto')], ...f.dispositions.filter((d) => d.code).map((d) => [d.code, `${d.label} (${d.code})`] as [string, string])])}
        ${this.text('wrap_up_timeout_s', 'campaign.wrap_up_timeout_s', { type: 'number' })}
      </div>
    </fieldset>`;
  }

  render() {
    const f = this.f;
    const rest = this.errors.unclaimed(KNOWN);
    const cpaErr = (k: string) => this.errors.exact(`cpa.${k}`);
    const disabledErr = this.errors.under('preview_actions_disabled');
    return html`<form class="panel" data-testid="campaign-form" @submit=${this.save} novalidate>
      <div class="row" style="margin-bottom:.8rem">
        <h2 style="margin:0">${this.campaign ? `${t('admin.edit')}: ${this.campaign.name}` : t('admin.newCampaign')}</h2>
        <span class="spacer"></span>
        <button type="button" @click=${() => this.dispatchEvent(new CustomEvent('close', { bubbles: true }))}>${t('admin.close')}</button>
        <button class="primary" type="submit" data-testid="campaign-save" ?disabled=${this.saving}>${this.campaign ? t('admin.save') : t('admin.create')}</button>
      </div>
      ${this.topError ? html`<div class="alert bad" role="alert" data-testid="form-error">${this.topError}
        ${rest.length ? html`<ul>${rest.map((p) => html`<li><code>${p.field}</code>: ${p.problem}</li>`)}</ul>` : nothing}</div>` : nothing}

      <fieldset><legend>${t('campaign.general')}</legend>
        <div class="grid2">
          ${this.text('name', 'campaign.name')}
          ${this.select('mode', 'campaign.mode', (['preview', 'preview_standard', 'preview_direct'] as const).map((m) => [m, t(`mode.${m}`)]))}
          ${this.text('priority', 'campaign.priority', { type: 'number' })}
          ${this.text('caller_id', 'campaign.caller_id')}
          ${this.text('teams', 'campaign.teams')}
          ${this.text('displayed_fields', 'campaign.displayed_fields')}
        </div>
        <label class="field ${this.errors.exact('description').length ? 'invalid' : ''}"><span>${t('campaign.description')}</span>
          <textarea rows="2" data-testid="campaign-description" .value=${f.description} @input=${(e: Event) => this.set('description', (e.target as HTMLTextAreaElement).value)}></textarea>
          ${this.probs(this.errors.exact('description'))}</label>
      </fieldset>

      <fieldset><legend>${t('campaign.preview')}</legend>
        <div class="grid2">
          ${this.text('preview_offer_timeout_s', 'campaign.preview_offer_timeout_s', { type: 'number' })}
          ${this.select('preview_timeout_action', 'campaign.preview_timeout_action', (['accept', 'skip', 'remove'] as const).map((a) => [a, t(`offer.${a}`)]))}
          ${this.text('reservation_ring_limit_s', 'campaign.reservation_ring_limit_s', { type: 'number' })}
          ${this.text('no_answer_ring_limit_s', 'campaign.no_answer_ring_limit_s', { type: 'number' })}
        </div>
        <div class="field ${disabledErr.length ? 'invalid' : ''}"><span>${t('campaign.preview_actions_disabled')}</span>
          <div class="row">
            <label class="check"><input type="checkbox" data-testid="campaign-skip-disabled" .checked=${f.skip_disabled} @change=${(e: Event) => this.set('skip_disabled', (e.target as HTMLInputElement).checked)} />${t('offer.skip')}</label>
            <label class="check"><input type="checkbox" data-testid="campaign-remove-disabled" .checked=${f.remove_disabled} @change=${(e: Event) => this.set('remove_disabled', (e.target as HTMLInputElement).checked)} />${t('offer.remove')}</label>
          </div>${this.probs(disabledErr)}</div>
      </fieldset>

      <fieldset data-field="cpa"><legend>${t('campaign.cpa')}</legend>
        <div class="row">
          ${(['enabled', 'amd_enabled', 'terminating_tone_detect'] as const).map((k) => html`<label class="check"><input type="checkbox" data-testid="campaign-cpa-${k}" .checked=${f.cpa[k]}
            @change=${(e: Event) => this.set('cpa', { ...f.cpa, [k]: (e.target as HTMLInputElement).checked })} />${t(`campaign.cpa.${k}`)}</label>`)}
        </div>
        ${this.probs(this.errors.exact('cpa'))}
        <div class="grid2">
          ${CPA_NUMBER_FIELDS.map((k) => html`<label class="field ${cpaErr(k).length ? 'invalid' : ''}"><span>${t(`campaign.cpa.${k}`)}</span>
            <input type="number" data-testid="campaign-cpa-${k}" .value=${f.cpa[k]} @input=${(e: Event) => this.set('cpa', { ...f.cpa, [k]: (e.target as HTMLInputElement).value })} />
            ${this.probs(cpaErr(k))}</label>`)}
          ${this.select('on_machine', 'campaign.on_machine', [['connect', t('onMachine.connect')], ['hangup', t('onMachine.hangup')]])}
        </div>
      </fieldset>

      <fieldset data-field="retry"><legend>${t('campaign.attempts')}</legend>
        <div class="grid2">
          ${this.text('max_attempts', 'campaign.max_attempts', { type: 'number' })}
          ${this.text('max_attempts_per_number', 'campaign.max_attempts_per_number', { type: 'number' })}
        </div>
        <h3>${t('campaign.retry')}</h3>
        ${this.probs(this.errors.exact('retry'))}
        <table><thead><tr><th>${t('campaign.retry.outcome')}</th><th>${t('campaign.retry.delay_s')}</th><th>${t('campaign.retry.counts_as_attempt')}</th></tr></thead>
          <tbody>${RETRY_KEYS.map((k) => {
            const errs = this.errors.under(`retry.${k}`);
            return html`<tr><td>${tMaybe(`outcome.${k}`, k)}</td>
              <td class=${errs.length ? 'field invalid' : ''}><input type="number" data-testid="retry-${k}-delay" .value=${f.retry[k].delay_s}
                @input=${(e: Event) => this.set('retry', { ...f.retry, [k]: { ...f.retry[k], delay_s: (e.target as HTMLInputElement).value } })} />${this.probs(errs)}</td>
              <td><input type="checkbox" data-testid="retry-${k}-counts" .checked=${f.retry[k].counts_as_attempt}
                @change=${(e: Event) => this.set('retry', { ...f.retry, [k]: { ...f.retry[k], counts_as_attempt: (e.target as HTMLInputElement).checked } })} /></td></tr>`;
          })}</tbody></table>
      </fieldset>

      <fieldset data-field="calling_window"><legend>${t('campaign.calling_window')}</legend>
        <p class="muted" style="margin-top:0">${t('campaign.calling_window.hint')}</p>
        ${this.probs(this.errors.exact('calling_window'))}
        <div class="daygrid">
          ${WEEKDAYS.map((d) => {
            const errs = this.errors.under(`calling_window.${d}`);
            return html`<span>${t(`day.${d}`)}</span><div class="field ${errs.length ? 'invalid' : ''}" style="margin:0">
              <input data-testid="window-${d}" .value=${f.calling_window[d]} placeholder="09:00-20:00"
                @input=${(e: Event) => this.set('calling_window', { ...f.calling_window, [d]: (e.target as HTMLInputElement).value })} />${this.probs(errs)}</div>`;
          })}
        </div>
        <label class="field ${this.errors.under('calling_window.holidays').length ? 'invalid' : ''}" style="margin-top:.7rem"><span>${t('campaign.holidays')}</span>
          <input data-testid="window-holidays" .value=${f.holidays} placeholder="2026-12-25, 2026-12-26" @input=${(e: Event) => this.set('holidays', (e.target as HTMLInputElement).value)} />
          ${this.probs(this.errors.under('calling_window.holidays'))}</label>
        ${this.text('dnc_lists', 'campaign.dnc_lists')}
      </fieldset>

      ${this.renderDispositions()}
      <div class="row"><span class="spacer"></span>
        <button class="primary" type="submit" ?disabled=${this.saving}>${this.campaign ? t('admin.save') : t('admin.create')}</button></div>
    </form>`;
  }
}
