// The supervisor view (role supervisor/admin): live agents from the WebSocket snapshot and
// events, and each campaign's progress from the `stats` frames, with live charts.
import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { BaseElement } from '../base.js';
import { barChart, gauge, sparkline, stackedBar, type Slice } from '../charts.js';
import { elapsedSeconds } from '../countdown.js';
import { EventStream, eventsUrl } from '../events.js';
import { formatDuration, reasonSentence, t, tMaybe } from '../i18n.js';
import { api, type Session } from '../session.js';
import { initialSupervisorModel, reduceSupervisor, type SupervisorModel } from '../supervisor-model.js';
import type { Campaign, CampaignStats } from '../types.js';

const CONTACT_COLORS: Record<string, string> = {
  callable: '#2f6fde',
  scheduled: '#8fb3f5',
  in_progress: '#f5a524',
  done: '#1a7f4b',
  removed: '#9aa3b2',
  dnc: '#b42318',
  exhausted: '#6b3fb3',
};
const OUTCOME_COLORS: Record<string, string> = {
  connected: '#1a7f4b',
  busy: '#f5a524',
  no_answer: '#a45b00',
  machine: '#6b3fb3',
  fax: '#8d6bd1',
  special_information_tone: '#c2410c',
  invalid_number: '#b42318',
  network_error: '#e0614f',
  rejected: '#9f1239',
  cancelled: '#9aa3b2',
  interrupted: '#5b6678',
};

@customElement('od-supervisor-view')
export class SupervisorView extends BaseElement {
  @property({ attribute: false }) session!: Session;
  @state() private m: SupervisorModel = initialSupervisorModel();
  @state() private now = Date.now();
  @state() private campaigns = new Map<string, Campaign>();
  @state() private tenantLimit: number | undefined;
  @state() private dncNumber = '';
  @state() private dncList = 'tenant';
  @state() private dncMessage: { ok: boolean; text: string } | null = null;
  private stream: EventStream | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;

  connectedCallback(): void {
    super.connectedCallback();
    this.stream = new EventStream({
      url: () => eventsUrl(api.token ?? this.session.token),
      onEvent: (ev) => {
        this.m = reduceSupervisor(this.m, ev, Date.now());
        if (ev.type === 'stats' && !this.campaigns.has(ev.campaign_id)) this.loadCampaigns();
      },
      onStatus: (s) => this.dispatchEvent(new CustomEvent('connection', { detail: s, bubbles: true, composed: true })),
      onRepeatedFailure: () => api.get('/campaigns').catch(() => undefined),
    });
    this.stream.start();
    this.loadCampaigns();
    if (this.session.user.role === 'admin') {
      api.get<{ max_concurrent_calls?: number }>('/tenant').then((t) => (this.tenantLimit = t.max_concurrent_calls), () => undefined);
    }
    // Time-in-state display clock; all data comes from the socket.
    this.ticker = setInterval(() => (this.now = Date.now()), 1000);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stream?.stop();
    this.stream = null;
    if (this.ticker) clearInterval(this.ticker);
  }

  private loading = false;
  private async loadCampaigns() {
    if (this.loading) return;
    this.loading = true;
    try {
      const r = await api.get<{ items: Campaign[] }>('/campaigns');
      this.campaigns = new Map((r.items ?? []).map((c) => [c.id, c]));
    } catch {
      /* names fall back to ids */
    } finally {
      this.loading = false;
    }
  }

  private renderAgents() {
    const rows = Object.values(this.m.agents).sort((a, b) => (a.username ?? a.agent_id).localeCompare(b.username ?? b.agent_id));
    return html`<section class="panel">
      <h2>${t('sup.agents')}</h2>
      ${rows.length === 0 ? html`<div class="empty">${t('sup.noAgents')}</div>` : html`<table data-testid="sup-agents">
        <thead><tr><th>${t('sup.agent')}</th><th>${t('sup.state')}</th><th>${t('sup.timeInState')}</th><th>${t('sup.contact')}</th></tr></thead>
        <tbody>${rows.map((r) => {
          const camp = r.campaignId ? this.campaigns.get(r.campaignId) : undefined;
          return html`<tr data-testid="sup-agent-row" data-agent-id=${r.agent_id} data-username=${r.username ?? ''} data-state=${r.state}>
            <td><strong>${r.username ?? r.agent_id}</strong></td>
            <td><span class="state-pill" data-state=${r.state} data-testid="sup-agent-state">${tMaybe(`state.${r.state}`, r.state)}</span>
              ${r.reason ? html`<span class="muted" style="font-size:.85rem"> ${tMaybe(`idle.${r.reason}`, r.reason)}</span>` : nothing}</td>
            <td class="timer" style="font-size:1rem" data-testid="sup-agent-time">${r.since ? formatDuration(elapsedSeconds(r.since, this.now, api.skewMs)) : ''}</td>
            <td data-testid="sup-agent-contact">${r.contactName || r.contactNumber ? html`${r.contactName ?? ''} <span class="muted">${r.contactNumber ?? ''}</span>
              ${camp ? html`<div class="muted" style="font-size:.82rem">${camp.name}${r.callState ? ` · ${tMaybe(`call.${r.callState}`, r.callState)}` : ''}</div>` : nothing}` : nothing}</td>
          </tr>`;
        })}</tbody></table>`}
    </section>`;
  }

  private renderCampaign(id: string, stats: CampaignStats, history: { active: number }[]) {
    const camp = this.campaigns.get(id);
    const c = stats.contacts ?? ({} as CampaignStats['contacts']);
    const contactSlices: Slice[] = Object.keys(CONTACT_COLORS).map((k) => ({
      key: k,
      label: tMaybe(`contactState.${k}`, k),
      value: Number((c as unknown as Record<string, number>)[k] ?? 0),
      color: CONTACT_COLORS[k],
    }));
    const by = stats.attempts?.by_outcome ?? {};
    const outcomeSlices: Slice[] = Object.keys({ ...OUTCOME_COLORS, ...by })
      .filter((k) => (by[k] ?? 0) > 0 || k === 'connected' || k === 'busy' || k === 'no_answer')
      .map((k) => ({ key: k, label: tMaybe(`outcome.${k}`, k), value: by[k] ?? 0, color: OUTCOME_COLORS[k] ?? '#5b6678' }));
    const tenantLimit = stats.tenant_max_concurrent_calls ?? this.tenantLimit;
    const dcLimit = stats.datacenter_max_concurrent_calls;
    const a = stats.agents ?? ({} as CampaignStats['agents']);
    return html`<article class="panel" data-testid="sup-campaign" data-campaign-id=${id}>
      <div class="row" style="flex-wrap:nowrap;align-items:flex-start"><div style="min-width:0"><h3 style="margin:0">${camp?.name ?? id}</h3>
        ${camp ? html`<div class="muted" style="font-size:.85rem">${tMaybe(`mode.${camp.mode}`, camp.mode)}</div>` : nothing}</div>
        <span class="spacer"></span>
        ${camp?.status ? html`<span class="status" data-status=${camp.status}>${tMaybe(`status.${camp.status}`, camp.status)}</span>` : nothing}</div>
      <div class="kpis" style="margin-top:.6rem">
        <div class="kpi"><div class="v" data-testid="sup-contacts-total">${c.total ?? 0}</div><div class="l">${t('sup.kpiContacts')}</div></div>
        <div class="kpi"><div class="v" data-testid="sup-attempts-total">${stats.attempts?.total ?? 0}</div><div class="l">${t('sup.kpiAttempts')}</div></div>
        <div class="kpi"><div class="v" data-testid="sup-active-calls">${stats.active_calls ?? 0}</div><div class="l">${t('sup.activeCalls')}</div></div>
      </div>
      <div class="legend" data-testid="sup-campaign-agents" style="margin-top:.5rem">${t('sup.agentsByState')}:
        ${(['available', 'reserved', 'on_call', 'wrap_up', 'idle'] as const).map((k) => html`<span>${t(`sup.agents.${k}`)} <strong>${a[k] ?? 0}</strong></span>`)}</div>
      <div class="chart-title">${t('sup.contacts')}</div>
      ${stackedBar(contactSlices, 'chart-contacts')}
      <div class="chart-title">${t('sup.attempts')}</div>
      ${barChart(outcomeSlices, 'chart-attempts')}
      <div class="chart-title">${t('sup.activeCalls')}</div>
      ${sparkline(history.map((h) => h.active), [
        ...(tenantLimit ? [{ label: t('sup.tenantLimit'), value: tenantLimit, color: '#a45b00' }] : []),
        ...(dcLimit ? [{ label: t('sup.dcLimit'), value: dcLimit, color: '#b42318' }] : []),
      ], 'chart-active')}
      ${gauge(stats.tenant_active_calls ?? stats.active_calls ?? 0, tenantLimit, t('sup.tenantLimit'), 'gauge-tenant')}
      ${gauge(stats.datacenter_active_calls ?? stats.active_calls ?? 0, dcLimit, t('sup.dcLimit'), 'gauge-datacenter')}
    </article>`;
  }

  // Supervisors may put a number on a DNC list (PRODUCT.md §1).
  private async addDnc(e: Event) {
    e.preventDefault();
    const n = this.dncNumber.trim();
    if (!n) return;
    try {
      await api.put(`/dnc/${encodeURIComponent(this.dncList || 'tenant')}/${encodeURIComponent(n)}`);
      this.dncMessage = { ok: true, text: `${n} → ${this.dncList || 'tenant'}` };
      this.dncNumber = '';
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'INTERNAL';
      this.dncMessage = { ok: false, text: `${code}: ${reasonSentence(code, (err as Error).message)}` };
    }
  }

  private renderDnc() {
    return html`<form class="panel toolbar" style="margin:0" @submit=${this.addDnc} data-testid="sup-dnc">
      <strong>${t('sup.addDnc')}</strong>
      <label class="sr-only" for="sup-dnc-list">${t('dnc.list')}</label>
      <input id="sup-dnc-list" style="width:9rem" .value=${this.dncList} @input=${(e: Event) => (this.dncList = (e.target as HTMLInputElement).value.trim())} />
      <label class="sr-only" for="sup-dnc-number">${t('dnc.number')}</label>
      <input id="sup-dnc-number" data-testid="sup-dnc-number" placeholder="+12015550100" .value=${this.dncNumber} @input=${(e: Event) => (this.dncNumber = (e.target as HTMLInputElement).value)} />
      <button class="primary" type="submit" data-testid="sup-dnc-add">${t('admin.add')}</button>
      ${this.dncMessage ? html`<span class=${this.dncMessage.ok ? 'muted' : 'problem'} data-testid="sup-dnc-result">${this.dncMessage.text}</span>` : nothing}
    </form>`;
  }

  render() {
    // Running campaigns first, then by name: the ones being worked stay at the top.
    const rank = (id: string) => (this.campaigns.get(id)?.status === 'running' ? 0 : 1);
    const name = (id: string) => this.campaigns.get(id)?.name ?? id;
    const camps = Object.values(this.m.campaigns).sort((a, b) => rank(a.campaign_id) - rank(b.campaign_id) || name(a.campaign_id).localeCompare(name(b.campaign_id)));
    return html`<main class="page sup">
      ${this.renderAgents()}
      <section>
        <h2>${t('sup.campaigns')}</h2>
        ${camps.length === 0 ? html`<div class="panel empty">${t('sup.noStats')}</div>` : html`<div class="camps">
          ${camps.map((c) => this.renderCampaign(c.campaign_id, c.stats, c.history))}</div>`}
      </section>
      ${this.renderDnc()}
    </main>`;
  }
}
