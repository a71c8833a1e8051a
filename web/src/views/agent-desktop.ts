// The agent desktop (PRODUCT.md §5): state and Available/Idle, the campaign icon (pull mode),
// the reservation call, the Campaign Contact dialog with the server's countdown, the task list
// with the contact card, call controls and wrap-up, and the latest reason code.
import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { BaseElement } from '../base.js';
import { ApiError } from '../api.js';
import { perform, type AgentOp } from '../agent-actions.js';
import {
  applyActionError,
  applyWrapupDone,
  initialAgentModel,
  isFreeState,
  normalizeOffer,
  reduceAgent,
  type AgentModel,
} from '../agent-model.js';
import { elapsedSeconds, formatCountdown, remainingMs } from '../countdown.js';
import { EventStream, eventsUrl } from '../events.js';
import { formatDuration, reasonSentence, t, tMaybe } from '../i18n.js';
import { campaignIcon, coffeeIcon, inboxIcon, personIcon, phoneIcon } from '../icons.js';
import { api, type Session } from '../session.js';
import type { Campaign, DispositionChoice, ServerEvent } from '../types.js';

const IDLE_REASONS = ['break', 'lunch', 'meeting', 'training', 'other'] as const;

@customElement('od-agent-desktop')
export class AgentDesktop extends BaseElement {
  @property({ attribute: false }) session!: Session;
  @state() private m: AgentModel = initialAgentModel();
  @state() private now = Date.now();
  @state() private busy = new Set<string>();
  @state() private idleReason: string = 'break';
  @state() private disposition = '';
  @state() private callbackAt = '';
  @state() private notes = '';
  @state() private wrapupProblem = '';
  @state() private pullCampaign = '';
  private campaigns = new Map<string, Campaign>();
  private stream: EventStream | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  // Maximum offer time seen per offer, for the countdown bar.
  private offerTotal = new Map<string, number>();

  connectedCallback(): void {
    super.connectedCallback();
    this.m = { ...initialAgentModel(), agentId: this.session.user.id };
    this.stream = new EventStream({
      url: () => eventsUrl(api.token ?? this.session.token),
      onEvent: (ev) => this.onEvent(ev),
      onStatus: (s) => this.dispatchEvent(new CustomEvent('connection', { detail: s, bubbles: true, composed: true })),
      onRepeatedFailure: () => {
        // A token that stopped working shows as failed connects: a REST call tells (401 → sign-in).
        api.get('/agent').catch(() => undefined);
      },
    });
    this.stream.start();
    this.loadCampaigns();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stream?.stop();
    this.stream = null;
    this.stopTicker();
  }

  private async loadCampaigns() {
    try {
      const r = await api.get<{ items: Campaign[] }>('/campaigns');
      this.campaigns = new Map((r.items ?? []).map((c) => [c.id, c]));
      this.requestUpdate();
    } catch {
      /* the desktop works without it: descriptions come with the offers */
    }
  }

  private onEvent(ev: ServerEvent) {
    const before = this.m;
    this.now = Date.now(); // the clock of the countdown must not lag behind a fresh deadline
    this.m = reduceAgent(this.m, ev, this.now);
    if (ev.type === 'offer' && this.m.offer) {
      const left = remainingMs(this.m.offer.expires_at, Date.now(), api.skewMs);
      if (left !== null && !this.offerTotal.has(this.m.offer.offer_id)) this.offerTotal.set(this.m.offer.offer_id, left);
    }
    if (this.m.wrapup?.call_id !== before.wrapup?.call_id) {
      this.disposition = '';
      this.callbackAt = '';
      this.notes = '';
      this.wrapupProblem = '';
    }
    if (ev.type === 'snapshot' || (ev.type === 'call' && !this.campaigns.has(ev.campaign_id))) this.loadCampaigns();
    this.syncTicker();
  }

  // A clock for the countdown and timers only while one is on screen (no polling of the server).
  private syncTicker() {
    const need = !!(this.m.offer?.expires_at || this.m.call || this.m.wrapup?.deadline_at || this.m.since);
    if (need && !this.ticker) {
      this.ticker = setInterval(() => (this.now = Date.now()), 250);
      this.now = Date.now();
    } else if (!need) this.stopTicker();
  }

  private stopTicker() {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  private async act(key: string, op: AgentOp): Promise<boolean> {
    if (this.busy.has(key)) return false;
    this.busy = new Set([...this.busy, key]);
    try {
      const answer = await perform(op, this.stream, api);
      // REST preview-request answers with the offer itself.
      // (A bare {offer_id} means the offer already closed; its events tell the rest.)
      if (op.op === 'preview_request' && answer && typeof answer === 'object' && 'offer_id' in answer && 'contact' in answer) {
        const offer = normalizeOffer(answer);
        if (offer && !this.m.offer && this.m.lastClosed?.offer_id !== offer.offer_id) this.onEvent({ type: 'offer', ...offer } as ServerEvent);
      }
      return true;
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, 'INTERNAL', String(err));
      this.m = applyActionError(this.m, e.code, e.message, Date.now());
      return false;
    } finally {
      const b = new Set(this.busy);
      b.delete(key);
      this.busy = b;
    }
  }

  // The campaign icon. A desktop whose agent is still logged out in the engine (e.g. after a
  // server restart) logs in first by going Idle, then asks for a contact.
  private async pull() {
    if (this.m.state === 'logged_out' && !(await this.act('state', { op: 'set_state', state: 'idle' }))) return;
    await this.act('preview', this.pullCampaign ? { op: 'preview_request', campaign_id: this.pullCampaign } : { op: 'preview_request' });
  }

  private get station(): string {
    return this.session.user.station ?? '';
  }

  private idleReasonLabel(): string {
    const r = this.m.reason;
    if (this.m.state !== 'idle' || !r) return '';
    return /^[A-Z_]+$/.test(r) ? '' : tMaybe(`idle.${r}`, r);
  }

  private stateLabel(): string {
    const base = tMaybe(`state.${this.m.state}`, this.m.state);
    if (this.m.state === 'idle' && this.m.reason && !/^[A-Z_]+$/.test(this.m.reason)) {
      return `${base} — ${tMaybe(`idle.${this.m.reason}`, this.m.reason)}`;
    }
    return base;
  }

  private renderBar() {
    const m = this.m;
    const loggedOut = m.state === 'logged_out';
    const free = (isFreeState(m.state) || loggedOut) && !m.offer && !m.call && m.reservation?.state !== 'ringing';
    const pullable = [...this.campaigns.values()].filter((c) => c.mode === 'preview' && (c.status === undefined || c.status === 'running'));
    const sinceS = m.since ? elapsedSeconds(m.since, this.now, api.skewMs) : null;
    return html`<div class="agentbar">
      <span class="state-pill" data-state=${m.state}><span data-testid="agent-state" data-state=${m.state}>${tMaybe(`state.${m.state}`, m.state)}</span>${this.idleReasonLabel()
        ? html`<span class="state-reason" data-testid="agent-state-reason">${this.idleReasonLabel()}</span>`
        : nothing}</span>
      ${sinceS !== null ? html`<span class="state-since" data-testid="state-since">${t('agent.since', { time: formatDuration(sinceS) })}</span>` : nothing}
      <div class="seg" role="group">
        <button data-testid="state-available" class=${m.state === 'available' ? 'on' : ''}
          ?disabled=${m.state === 'available' || this.busy.has('state') || !(isFreeState(m.state) || loggedOut)}
          @click=${() => this.act('state', { op: 'set_state', state: 'available' })}>${t('agent.setAvailable')}</button>
        <button data-testid="state-idle" class=${m.state === 'idle' ? 'on idle' : ''}
          ?disabled=${this.busy.has('state') || (m.state === 'idle' && m.reason === this.idleReason)}
          @click=${() => this.act('state', { op: 'set_state', state: 'idle', reason: this.idleReason })}>${t('agent.setIdle')}</button>
        <label class="sr-only" for="idle-reason">${t('agent.idleReason')}</label>
        <select id="idle-reason" data-testid="idle-reason" .value=${this.idleReason} @change=${(e: Event) => (this.idleReason = (e.target as HTMLSelectElement).value)}>
          ${IDLE_REASONS.map((r) => html`<option value=${r} ?selected=${r === this.idleReason}>${t(`idle.${r}`)}</option>`)}
        </select>
      </div>
      <button class="campaign-icon" data-testid="campaign-icon" title=${t('agent.campaignIcon')} aria-label=${t('agent.campaignIcon')}
        ?disabled=${!free || this.busy.has('preview')}
        @click=${() => this.pull()}>${campaignIcon}<span>${t('agent.campaignIconLabel')}</span></button>
      ${pullable.length > 1
        ? html`<label class="sr-only" for="campaign-pick">${t('agent.pullCampaign')}</label>
            <select id="campaign-pick" data-testid="campaign-pick" @change=${(e: Event) => (this.pullCampaign = (e.target as HTMLSelectElement).value)}>
              <option value="" ?selected=${!this.pullCampaign}>${t('agent.anyCampaign')}</option>
              ${pullable.map((c) => html`<option value=${c.id} ?selected=${c.id === this.pullCampaign}>${c.name}</option>`)}
            </select>`
        : nothing}
      <div class="spacer"></div>
      ${this.renderLatest()}
    </div>`;
  }

  private renderLatest() {
    const l = this.m.latest;
    if (!l) return nothing;
    return html`<div class="message" role="status" aria-live="polite" data-testid="latest-message">
      <code data-testid="reason-code">${l.code}</code>
      <span data-testid="reason-sentence">${reasonSentence(l.code, l.message)}</span>
    </div>`;
  }

  private renderReservation() {
    const r = this.m.reservation;
    if (!r || this.m.offer || r.state !== 'ringing') return nothing;
    const camp = this.campaigns.get(r.campaign_id);
    return html`<div class="panel reservation" data-testid="reservation" data-state=${r.state}>
      <span class="ringing-dot"></span>
      <div>
        <div><strong>${t('reservation.ringing')}</strong></div>
        ${camp ? html`<div class="muted">${t('reservation.campaign', { name: camp.name })}</div>` : nothing}
      </div>
      <div class="spacer"></div>
      ${this.station === 'sim:manual'
        ? html`<button class="good big" data-testid="reservation-answer" ?disabled=${this.busy.has('answer')}
            @click=${() => this.act('answer', { op: 'answer_reservation', reservation_id: r.reservation_id })}>${t('reservation.answer')}</button>`
        : nothing}
    </div>`;
  }

  private fieldsOf(fields: Record<string, unknown>) {
    const entries = Object.entries(fields ?? {}).filter(([, v]) => v !== null && v !== undefined && v !== '');
    if (!entries.length) return nothing;
    return html`<dl class="details" data-testid="contact-fields">
      ${entries.map(([k, v]) => html`<dt>${k}</dt><dd data-field=${k}>${typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>`)}
    </dl>`;
  }

  private renderOffer() {
    const o = this.m.offer;
    if (!o) return nothing;
    const left = remainingMs(o.expires_at, this.now, api.skewMs);
    const total = this.offerTotal.get(o.offer_id) ?? left ?? 0;
    const pct = left !== null && total > 0 ? Math.max(0, Math.min(100, (left / total) * 100)) : 100;
    const busy = this.busy.has('offer');
    const btn = (a: 'accept' | 'skip' | 'remove' | 'cancel', cls: string) => html`<button
      class=${cls} data-testid="offer-${a}" ?disabled=${!o.actions[a] || busy}
      @click=${() => this.act('offer', { op: a, offer_id: o.offer_id })}>${t(`offer.${a}`)}</button>`;
    return html`<section class="offer" role="dialog" aria-modal="false" aria-labelledby="offer-title" data-testid="offer-dialog" data-offer-id=${o.offer_id}>
      <div class="offer-head">
        <div>
          <h2 id="offer-title">${t('offer.title')}</h2>
          <div class="offer-campaign" data-testid="offer-campaign">${o.campaign.name} · ${tMaybe(`mode.${o.campaign.mode}`, o.campaign.mode)}</div>
        </div>
        <div class="countdown">
          ${left !== null
            ? html`<div class="value ${left < 10_000 ? 'low' : ''}" data-testid="offer-countdown" data-remaining-ms=${left}>${formatCountdown(left)}</div>
                <div class="label">${t('offer.timeLeft')}</div>`
            : html`<div class="label" data-testid="offer-countdown" data-remaining-ms="">${t('offer.noTimeout')}</div>`}
        </div>
      </div>
      ${left !== null ? html`<div class="countbar"><div style="width:${pct}%"></div></div>` : nothing}
      <div class="offer-body">
        <div class="avatar">${personIcon}</div>
        <div>
          <div class="offer-name" data-testid="offer-contact-name">${o.contact.name}</div>
          <div class="offer-phone" data-testid="offer-contact-phone">${o.contact.phone}</div>
          ${o.campaign.description ? html`<p class="desc">${o.campaign.description}</p>` : nothing}
          ${this.fieldsOf(o.contact.fields)}
          ${left !== null
            ? html`<p class="muted" style="margin:.7rem 0 0;font-size:.88rem">${t('offer.timeoutAction', { action: t(`timeoutAction.${o.timeout_action}`) })}</p>`
            : nothing}
        </div>
      </div>
      <div class="offer-actions">
        ${btn('accept', 'good big')} ${btn('skip', 'big')} ${btn('remove', 'big danger')}
        <span class="spacer"></span>
        ${btn('cancel', 'big')}
      </div>
    </section>`;
  }

  private dispositionChoices(): DispositionChoice[] {
    const w = this.m.wrapup;
    const camp = this.campaigns.get(this.m.call?.campaign_id ?? this.m.task?.campaign.id ?? '');
    const fromCampaign = camp?.dispositions ?? [];
    const list: DispositionChoice[] = w && w.dispositions.length ? w.dispositions : fromCampaign;
    return list.map((d) => ({ ...d, result: d.result ?? fromCampaign.find((c) => c.code === d.code)?.result ?? (d.code === 'callback' ? 'callback' : undefined) }));
  }

  private async submitWrapup(e: Event) {
    e.preventDefault();
    const w = this.m.wrapup;
    const callId = w?.call_id ?? this.m.call?.call_id;
    if (!callId || !this.disposition) return;
    const choice = this.dispositionChoices().find((d) => d.code === this.disposition);
    let callbackAt: number | undefined;
    if (choice?.result === 'callback') {
      const ms = this.callbackAt ? new Date(this.callbackAt).getTime() : NaN;
      if (!Number.isFinite(ms)) {
        this.wrapupProblem = t('wrapup.callbackRequired');
        return;
      }
      callbackAt = ms;
    }
    this.wrapupProblem = '';
    const ok = await this.act('wrapup', { op: 'wrapup', call_id: callId, disposition: this.disposition, callback_at: callbackAt, notes: this.notes || undefined });
    if (ok) this.m = applyWrapupDone(this.m, callId);
  }

  private renderWrapup() {
    const w = this.m.wrapup;
    if (!w) return nothing;
    const choices = this.dispositionChoices();
    const chosen = choices.find((d) => d.code === this.disposition);
    const deadline = w.deadline_at ? remainingMs(w.deadline_at, this.now, api.skewMs) : null;
    const minLocal = toLocalInput(new Date(this.now + 5 * 60_000));
    return html`<form class="wrapup" data-testid="wrapup" @submit=${this.submitWrapup}>
      <div class="row" style="margin-bottom:.5rem"><h3 style="margin:0">${t('wrapup.title')}</h3><span class="spacer"></span>
        ${deadline !== null ? html`<span class="muted" data-testid="wrapup-deadline">${t('wrapup.deadline', { time: formatCountdown(deadline) })}</span>` : nothing}</div>
      <label class="field"><span>${t('wrapup.disposition')}</span>
        <select data-testid="wrapup-disposition" .value=${this.disposition} @change=${(e: Event) => (this.disposition = (e.target as HTMLSelectElement).value)}>
          <option value="" ?selected=${!this.disposition}>${t('wrapup.choose')}</option>
          ${choices.map((d) => html`<option value=${d.code} ?selected=${d.code === this.disposition} data-result=${d.result ?? ''}>${d.label}</option>`)}
        </select></label>
      ${chosen?.result === 'callback'
        ? html`<label class="field ${this.wrapupProblem ? 'invalid' : ''}"><span>${t('wrapup.callbackAt')}</span>
            <input type="datetime-local" data-testid="wrapup-callback" min=${minLocal} .value=${this.callbackAt}
              @input=${(e: Event) => (this.callbackAt = (e.target as HTMLInputElement).value)} />
            ${this.wrapupProblem ? html`<span class="problem">${this.wrapupProblem}</span>` : nothing}</label>`
        : nothing}
      <label class="field"><span>${t('wrapup.notes')}</span>
        <textarea rows="2" data-testid="wrapup-notes" .value=${this.notes} @input=${(e: Event) => (this.notes = (e.target as HTMLTextAreaElement).value)}></textarea></label>
      <button class="primary" type="submit" data-testid="wrapup-submit" ?disabled=${!this.disposition || this.busy.has('wrapup')}>${t('wrapup.submit')}</button>
    </form>`;
  }

  private renderTask() {
    const c = this.m.call;
    if (!c) return html`<div class="empty" data-testid="no-tasks">${t('agent.noTasks')}</div>`;
    const task = this.m.task;
    const camp = this.campaigns.get(c.campaign_id);
    const description = task?.campaign.description ?? camp?.description ?? '';
    const mode = task?.campaign.mode ?? camp?.mode;
    const name = task?.contact.name ?? '';
    const timer = elapsedSeconds(c.started_at, this.now, api.skewMs);
    const stateText = tMaybe(`call.${c.state}`, c.state);
    const showCancel = c.can_cancel && (c.state === 'ringing' || c.state === 'dialing');
    const endEnabled = c.state === 'connected' || (mode === 'preview_direct' && (c.state === 'ringing' || c.state === 'dialing'));
    const busy = this.busy.has('call');
    return html`<article class="card" data-testid="task-card" data-call-id=${c.call_id} data-call-state=${c.state}>
      <div class="card-head">
        <div class="avatar" data-testid="contact-icon">${personIcon}</div>
        <div style="min-width:0">
          <div class="card-title" data-testid="task-contact-name">${name || c.number}</div>
          <div class="muted" data-testid="task-number">${c.number}</div>
        </div>
        <span class="spacer"></span>
        <span class="timer" data-testid="task-timer" title=${t('call.duration')}>${formatDuration(timer)}</span>
      </div>
      <div class="card-body">
        <p class="desc" data-testid="task-description">${description}</p>
        ${task ? this.fieldsOf(task.contact.fields) : nothing}
      </div>
      ${c.amd_result && c.amd_result !== 'human'
        ? html`<div class="alert ${c.amd_result === 'machine' ? 'warn' : 'info'} amd" data-testid="amd-result" data-amd=${c.amd_result}>
            <strong>${t(`amd.${c.amd_result}`)}</strong>${c.amd_result === 'machine' ? html` — ${t('amd.machineHint')}` : nothing}</div>`
        : c.amd_result === 'human'
          ? html`<div class="sr-only" data-testid="amd-result" data-amd="human">${t('amd.human')}</div>`
          : nothing}
      <div class="callbar">
        <span class=${showCancel ? 'sr-only' : 'call-state'} data-testid="call-state" data-state=${c.state}>${stateText}</span>
        ${showCancel
          ? html`<button class="danger" data-testid="call-cancel" ?disabled=${busy}
              @click=${() => this.act('call', { op: 'cancel_call', call_id: c.call_id })}>${t('call.cancel')}</button>`
          : nothing}
        <span class="spacer"></span>
        <button class="danger" data-testid="call-end" ?disabled=${!endEnabled || busy}
          @click=${() => this.act('call', { op: 'end_call', call_id: c.call_id })}>${t('call.end')}</button>
      </div>
      ${this.renderWrapup()}
    </article>`;
  }

  private renderWorkspace() {
    const m = this.m;
    const parts = [];
    const closed = m.lastClosed;
    if (closed && closed.by === 'timeout' && this.now - closed.at < 30_000 && closed.action !== 'accept') {
      parts.push(html`<div class="alert info" data-testid="offer-timeout-notice">${t('offer.closedByTimeout', { action: t(`action.${closed.action}`) })}</div>`);
    }
    parts.push(this.renderReservation());
    if (m.offer) parts.push(this.renderOffer());
    else if (m.call) {
      const who = m.task?.contact.name || m.call.number;
      const hint = m.wrapup
        ? t('agent.wrapupHint')
        : m.call.state === 'connected'
          ? m.call.amd_result === 'machine' ? t('amd.machineHint') : t('agent.onCallHint')
          : m.call.state === 'ended' ? '' : t('agent.ringingHint');
      parts.push(html`<div class="panel hint">${phoneIcon}<div><strong>${t('agent.onCall', { name: who })}</strong></div>${hint ? html`<div style="margin-top:.3rem">${hint}</div>` : nothing}</div>`);
    } else if (!m.call && !(m.reservation && m.reservation.state === 'ringing')) {
      if (m.state === 'idle' || m.state === 'logged_out')
        parts.push(html`<div class="panel hint" data-testid="idle-hint">${coffeeIcon}${t('agent.idleHint')}</div>`);
      else if (m.state === 'available')
        parts.push(html`<div class="panel hint" data-testid="waiting-hint">${inboxIcon}${t('agent.waiting')}</div>`);
    }
    return parts;
  }

  updated() {
    // The tab title tells an agent working in another window that a contact is waiting.
    const prefix = this.m.offer ? '● ' : this.m.reservation?.state === 'ringing' ? '☎ ' : '';
    document.title = `${prefix}${this.stateLabel()} · outdial`;
  }

  render() {
    return html`${this.renderBar()}
      <div class="desk">
        <section class="panel tasks" aria-label=${t('agent.tasks')} data-testid="task-list">
          <h2>${t('agent.tasks')}</h2>
          ${this.renderTask()}
        </section>
        <section class="workspace">${this.renderWorkspace()}</section>
      </div>`;
  }
}

function toLocalInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
