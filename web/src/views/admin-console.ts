// The administration console (role admin): campaigns (list, create/edit, start/pause/stop,
// contact upload), DNC lists, users and stations, organisation settings.
import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { BaseElement } from '../base.js';
import { ApiError } from '../api.js';
import { FieldErrors } from '../form-errors.js';
import { formatDateTime, reasonSentence, t, tMaybe } from '../i18n.js';
import { api, type Session } from '../session.js';
import type { Campaign, ImportResult, User } from '../types.js';
import './campaign-editor.js';

type Section = 'campaigns' | 'dnc' | 'users' | 'tenant';

function errText(err: unknown): string {
  const e = err instanceof ApiError ? err : new ApiError(0, 'INTERNAL', String(err));
  const sentence = reasonSentence(e.code, e.message);
  return e.message && e.message !== sentence && e.message !== e.code ? `${e.code}: ${sentence} (${e.message})` : `${e.code}: ${sentence}`;
}

@customElement('od-admin-console')
export class AdminConsole extends BaseElement {
  @property({ attribute: false }) session!: Session;
  @state() private section: Section = 'campaigns';

  render() {
    const item = (s: Section, label: string) =>
      html`<button class=${this.section === s ? 'active' : ''} data-testid="admin-nav-${s}" @click=${() => (this.section = s)}>${label}</button>`;
    return html`<main class="page admin">
      <nav class="sidenav panel" aria-label=${t('app.nav.admin')}>
        ${item('campaigns', t('admin.campaigns'))} ${item('dnc', t('admin.dnc'))} ${item('users', t('admin.users'))} ${item('tenant', t('admin.tenant'))}
      </nav>
      <div>
        ${this.section === 'campaigns' ? html`<od-admin-campaigns></od-admin-campaigns>` : nothing}
        ${this.section === 'dnc' ? html`<od-admin-dnc></od-admin-dnc>` : nothing}
        ${this.section === 'users' ? html`<od-admin-users></od-admin-users>` : nothing}
        ${this.section === 'tenant' ? html`<od-admin-tenant></od-admin-tenant>` : nothing}
      </div>
    </main>`;
  }
}

@customElement('od-admin-campaigns')
export class AdminCampaigns extends BaseElement {
  @state() private items: Campaign[] = [];
  @state() private editing: Campaign | null | 'new' = null;
  @state() private uploadFor: Campaign | null = null;
  @state() private contactsFor: Campaign | null = null;
  @state() private error = '';
  @state() private notice = '';

  connectedCallback() {
    super.connectedCallback();
    this.load();
  }

  private async load() {
    try {
      const r = await api.get<{ items: Campaign[] }>('/campaigns');
      this.items = r.items ?? [];
    } catch (e) {
      this.error = errText(e);
    }
  }

  private async transition(c: Campaign, what: 'start' | 'pause' | 'stop') {
    this.error = '';
    try {
      const updated = await api.post<Campaign>(`/campaigns/${encodeURIComponent(c.id)}/${what}`);
      this.items = this.items.map((x) => (x.id === c.id ? { ...x, ...updated } : x));
    } catch (e) {
      this.error = errText(e);
    }
  }

  private async removeCampaign(c: Campaign) {
    this.error = '';
    try {
      await api.del(`/campaigns/${encodeURIComponent(c.id)}`);
      this.items = this.items.filter((x) => x.id !== c.id);
    } catch (e) {
      this.error = errText(e);
    }
  }

  private onSaved(e: CustomEvent<Campaign>) {
    const saved = e.detail;
    const exists = this.items.some((x) => x.id === saved.id);
    this.items = exists ? this.items.map((x) => (x.id === saved.id ? saved : x)) : [...this.items, saved];
    this.editing = null;
    this.notice = `${t('admin.saved')} ${saved.name}`;
  }

  render() {
    if (this.editing) {
      return html`<od-campaign-editor .campaign=${this.editing === 'new' ? null : this.editing}
        @saved=${this.onSaved} @close=${() => (this.editing = null)}></od-campaign-editor>`;
    }
    return html`<section class="panel">
      <div class="toolbar"><h2 style="margin:0">${t('admin.campaigns')}</h2><span class="spacer"></span>
        <button class="primary" data-testid="campaign-new" @click=${() => { this.notice = ''; this.editing = 'new'; }}>${t('admin.newCampaign')}</button></div>
      ${this.error ? html`<div class="alert bad" role="alert" data-testid="admin-error">${this.error}</div>` : nothing}
      ${this.notice ? html`<div class="alert ok" data-testid="admin-notice">${this.notice}</div>` : nothing}
      ${this.items.length === 0 ? html`<div class="empty">${t('admin.none')}</div>` : html`<table data-testid="campaign-list">
        <thead><tr><th>${t('admin.name')}</th><th>${t('admin.mode')}</th><th>${t('admin.priority')}</th><th>${t('admin.status')}</th><th>${t('admin.actions')}</th></tr></thead>
        <tbody>${this.items.map((c) => html`<tr data-testid="campaign-row" data-campaign-id=${c.id} data-name=${c.name}>
          <td><strong>${c.name}</strong>${c.description ? html`<div class="muted" style="font-size:.85rem">${c.description}</div>` : nothing}</td>
          <td>${tMaybe(`mode.${c.mode}`, c.mode)}</td>
          <td>${c.priority ?? ''}</td>
          <td><span class="status" data-status=${c.status ?? ''} data-testid="campaign-status">${tMaybe(`status.${c.status}`, c.status ?? '')}</span></td>
          <td><div class="row">
            <button class="small" data-testid="campaign-edit" @click=${() => { this.notice = ''; this.editing = c; }}>${t('admin.edit')}</button>
            <button class="small" data-testid="campaign-upload" @click=${() => { this.contactsFor = null; this.uploadFor = this.uploadFor?.id === c.id ? null : c; }}>${t('upload.title')}</button>
            <button class="small" data-testid="campaign-contacts" @click=${() => { this.uploadFor = null; this.contactsFor = this.contactsFor?.id === c.id ? null : c; }}>${t('contacts.show')}</button>
            <button class="small good" data-testid="campaign-start" ?disabled=${c.status === 'running'} @click=${() => this.transition(c, 'start')}>${t('admin.start')}</button>
            <button class="small" data-testid="campaign-pause" ?disabled=${c.status !== 'running'} @click=${() => this.transition(c, 'pause')}>${t('admin.pause')}</button>
            <button class="small danger" data-testid="campaign-stop" ?disabled=${c.status === 'stopped' || c.status === 'draft'} @click=${() => this.transition(c, 'stop')}>${t('admin.stop')}</button>
            <button class="small danger" data-testid="campaign-delete" ?disabled=${c.status === 'running'} @click=${() => this.removeCampaign(c)}>${t('admin.delete')}</button>
          </div></td></tr>
          ${this.uploadFor?.id === c.id ? html`<tr><td colspan="5"><od-contact-upload .campaign=${c}></od-contact-upload></td></tr>` : nothing}
          ${this.contactsFor?.id === c.id ? html`<tr><td colspan="5"><od-contact-list .campaign=${c}></od-contact-list></td></tr>` : nothing}`)}
        </tbody></table>`}
    </section>`;
  }
}

@customElement('od-contact-upload')
export class ContactUpload extends BaseElement {
  @property({ attribute: false }) campaign!: Campaign;
  @state() private progress: number | null = null;
  @state() private result: ImportResult | null = null;
  @state() private error = '';
  @state() private file: File | null = null;

  private async upload(e: Event) {
    e.preventDefault();
    if (!this.file) return;
    this.error = '';
    this.result = null;
    this.progress = 0;
    try {
      this.result = await api.uploadCsv(this.campaign.id, this.file, (f) => (this.progress = f));
    } catch (err) {
      this.error = errText(err);
      this.progress = null;
    }
  }

  render() {
    const pct = this.progress === null ? 0 : Math.round(this.progress * 100);
    return html`<form class="panel" style="box-shadow:none;background:#fafbfd" data-testid="upload-form" @submit=${this.upload}>
      <h3>${t('upload.title')} — ${this.campaign.name}</h3>
      <p class="muted" style="margin-top:0">${t('upload.hint')}</p>
      <div class="row">
        <label class="sr-only" for="csv-file">${t('upload.file')}</label>
        <input id="csv-file" type="file" accept=".csv,text/csv" data-testid="upload-file" @change=${(e: Event) => (this.file = (e.target as HTMLInputElement).files?.[0] ?? null)} />
        <button class="primary" type="submit" data-testid="upload-submit" ?disabled=${!this.file || (this.progress !== null && this.progress < 1 && !this.result)}>${t('upload.submit')}</button>
      </div>
      ${this.progress !== null ? html`<div style="margin-top:.7rem">
        <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${pct} data-testid="upload-progress" data-value=${pct}><div style="width:${pct}%"></div></div>
        <div class="muted" style="font-size:.85rem;margin-top:.2rem">${this.result ? '' : t('upload.progress', { pct })}</div></div>` : nothing}
      ${this.error ? html`<div class="alert bad" role="alert" data-testid="upload-error">${this.error}</div>` : nothing}
      ${this.result ? html`<div class="alert ${this.result.rejected ? 'warn' : 'ok'}" data-testid="upload-result"
          data-accepted=${this.result.accepted} data-rejected=${this.result.rejected}>${t('upload.result', { accepted: this.result.accepted, rejected: this.result.rejected })}</div>
        ${this.result.errors?.length ? html`<table data-testid="upload-errors"><thead><tr><th>${t('upload.row')}</th><th>${t('upload.field')}</th><th>${t('upload.problem')}</th></tr></thead>
          <tbody>${this.result.errors.map((r) => html`<tr data-testid="upload-error-row"><td>${r.row}</td><td><code>${r.field}</code></td><td>${r.problem}</td></tr>`)}</tbody></table>` : nothing}` : nothing}
    </form>`;
  }
}

interface ContactRow {
  id: string;
  name: string;
  phones: { number: string }[];
  timezone: string;
  priority: number;
  state: string;
  attempts_made: number;
  next_eligible_at: number | null;
  last_outcome: string | null;
}

const CONTACT_STATES = ['', 'callable', 'scheduled', 'in_progress', 'done', 'removed', 'dnc', 'exhausted'];

// The contacts of one campaign, filtered by state, a page at a time.
@customElement('od-contact-list')
export class ContactList extends BaseElement {
  @property({ attribute: false }) campaign!: Campaign;
  @state() private filter = '';
  @state() private items: ContactRow[] = [];
  @state() private cursor: string | null = null;
  @state() private error = '';

  connectedCallback() {
    super.connectedCallback();
    this.load(true);
  }

  private async load(reset: boolean) {
    this.error = '';
    const q = new URLSearchParams({ limit: '50' });
    if (this.filter) q.set('state', this.filter);
    if (!reset && this.cursor) q.set('cursor', this.cursor);
    try {
      const r = await api.get<{ items: ContactRow[]; next_cursor: string | null }>(`/campaigns/${encodeURIComponent(this.campaign.id)}/contacts?${q}`);
      this.items = reset ? r.items ?? [] : [...this.items, ...(r.items ?? [])];
      this.cursor = r.next_cursor ?? null;
    } catch (e) {
      this.error = errText(e);
    }
  }

  render() {
    return html`<div class="panel" style="box-shadow:none;background:#fafbfd" data-testid="contact-list">
      <div class="toolbar"><h3 style="margin:0">${t('contacts.title')} — ${this.campaign.name}</h3><span class="spacer"></span>
        <select data-testid="contact-filter" @change=${(e: Event) => { this.filter = (e.target as HTMLSelectElement).value; this.load(true); }}>
          ${CONTACT_STATES.map((s) => html`<option value=${s} ?selected=${s === this.filter}>${s ? tMaybe(`contactState.${s}`, s) : t('contacts.all')}</option>`)}
        </select></div>
      ${this.error ? html`<div class="alert bad" role="alert">${this.error}</div>` : nothing}
      ${this.items.length === 0 ? html`<div class="empty">${t('admin.none')}</div>` : html`<table>
        <thead><tr><th>${t('admin.name')}</th><th>${t('dnc.number')}</th><th>${t('contacts.timezone')}</th><th>${t('admin.priority')}</th><th>${t('admin.status')}</th><th>${t('contacts.attempts')}</th><th>${t('contacts.lastOutcome')}</th><th>${t('contacts.next')}</th></tr></thead>
        <tbody>${this.items.map((c) => html`<tr data-testid="contact-row" data-state=${c.state}>
          <td>${c.name}</td><td>${c.phones?.map((p) => p.number).join(', ')}</td><td>${c.timezone}</td><td>${c.priority}</td>
          <td><span class="status">${tMaybe(`contactState.${c.state}`, c.state)}</span></td><td>${c.attempts_made}</td>
          <td>${c.last_outcome ? tMaybe(`outcome.${c.last_outcome}`, c.last_outcome) : ''}</td>
          <td>${c.state === 'scheduled' && c.next_eligible_at ? formatDateTime(c.next_eligible_at) : ''}</td></tr>`)}</tbody></table>`}
      ${this.cursor ? html`<button style="margin-top:.6rem" @click=${() => this.load(false)}>${t('dnc.more')}</button>` : nothing}
    </div>`;
  }
}

interface DncEntry {
  number: string;
  added_at: number;
  source?: string;
}

@customElement('od-admin-dnc')
export class AdminDnc extends BaseElement {
  @state() private list = 'tenant';
  @state() private items: DncEntry[] = [];
  @state() private cursor: string | null = null;
  @state() private number = '';
  @state() private error = '';

  connectedCallback() {
    super.connectedCallback();
    this.load(true);
  }

  private async load(reset: boolean) {
    this.error = '';
    try {
      const q = new URLSearchParams({ limit: '100' });
      if (!reset && this.cursor) q.set('cursor', this.cursor);
      const r = await api.get<{ items: DncEntry[]; next_cursor: string | null }>(`/dnc/${encodeURIComponent(this.list)}?${q}`);
      this.items = reset ? r.items ?? [] : [...this.items, ...(r.items ?? [])];
      this.cursor = r.next_cursor ?? null;
    } catch (e) {
      this.items = reset ? [] : this.items;
      this.error = errText(e);
    }
  }

  private async add(e: Event) {
    e.preventDefault();
    const n = this.number.trim();
    if (!n) return;
    this.error = '';
    try {
      await api.put(`/dnc/${encodeURIComponent(this.list)}/${encodeURIComponent(n)}`);
      this.number = '';
      await this.load(true);
    } catch (err) {
      this.error = errText(err);
    }
  }

  private async del(n: string) {
    this.error = '';
    try {
      await api.del(`/dnc/${encodeURIComponent(this.list)}/${encodeURIComponent(n)}`);
      this.items = this.items.filter((x) => x.number !== n);
    } catch (err) {
      this.error = errText(err);
    }
  }

  render() {
    return html`<section class="panel">
      <h2>${t('admin.dnc')}</h2>
      <form class="toolbar" @submit=${(e: Event) => { e.preventDefault(); this.load(true); }}>
        <label class="field" style="margin:0"><span>${t('dnc.list')}</span>
          <input data-testid="dnc-list" .value=${this.list} @input=${(e: Event) => (this.list = (e.target as HTMLInputElement).value.trim())} /></label>
        <button type="submit" style="align-self:flex-end" data-testid="dnc-show">${t('dnc.load')}</button>
      </form>
      <form class="toolbar" @submit=${this.add}>
        <label class="field" style="margin:0"><span>${t('dnc.number')}</span>
          <input data-testid="dnc-number" placeholder="+12015550100" .value=${this.number} @input=${(e: Event) => (this.number = (e.target as HTMLInputElement).value)} /></label>
        <button class="primary" type="submit" style="align-self:flex-end" data-testid="dnc-add">${t('admin.add')}</button>
      </form>
      ${this.error ? html`<div class="alert bad" role="alert" data-testid="dnc-error">${this.error}</div>` : nothing}
      ${this.items.length === 0 ? html`<div class="empty">${t('admin.none')}</div>` : html`<table data-testid="dnc-table">
        <thead><tr><th>${t('dnc.number')}</th><th>${t('dnc.addedAt')}</th><th>${t('dnc.source')}</th><th></th></tr></thead>
        <tbody>${this.items.map((d) => html`<tr data-testid="dnc-row" data-number=${d.number}><td>${d.number}</td><td>${d.added_at ? formatDateTime(d.added_at) : ''}</td><td>${d.source ?? ''}</td>
          <td><button class="small danger" data-testid="dnc-remove" @click=${() => this.del(d.number)}>${t('admin.remove')}</button></td></tr>`)}</tbody></table>`}
      ${this.cursor ? html`<button style="margin-top:.6rem" @click=${() => this.load(false)}>${t('dnc.more')}</button>` : nothing}
    </section>`;
  }
}

@customElement('od-admin-users')
export class AdminUsers extends BaseElement {
  @state() private items: User[] = [];
  @state() private error = '';
  @state() private errors = new FieldErrors();
  @state() private draft = { username: '', password: '', role: 'agent', team: '', station: 'sim:auto' };

  connectedCallback() {
    super.connectedCallback();
    this.load();
  }

  private async load() {
    try {
      const r = await api.get<{ items: User[] } | User[]>('/users');
      this.items = Array.isArray(r) ? r : r.items ?? [];
    } catch (e) {
      this.error = errText(e);
    }
  }

  private async create(e: Event) {
    e.preventDefault();
    this.error = '';
    this.errors = new FieldErrors();
    const d = this.draft;
    const body: Record<string, string> = { username: d.username.trim(), password: d.password, role: d.role };
    if (d.team.trim()) body.team = d.team.trim();
    if (d.station.trim()) body.station = d.station.trim();
    try {
      const u = await api.post<User>('/users', body);
      this.items = [...this.items, u];
      this.draft = { ...this.draft, username: '', password: '' };
    } catch (err) {
      this.errors = new FieldErrors(err instanceof ApiError ? err.details : []);
      this.error = errText(err);
    }
  }

  private async patch(u: User, patch: Partial<User>) {
    this.error = '';
    try {
      const updated = await api.patch<User>(`/users/${encodeURIComponent(u.id)}`, patch);
      this.items = this.items.map((x) => (x.id === u.id ? { ...x, ...(updated ?? patch) } : x));
    } catch (err) {
      this.error = errText(err);
    }
  }

  private async removeUser(u: User) {
    this.error = '';
    try {
      await api.del(`/users/${encodeURIComponent(u.id)}`);
      this.items = this.items.filter((x) => x.id !== u.id);
    } catch (err) {
      this.error = errText(err);
    }
  }

  render() {
    const d = this.draft;
    const fld = (k: 'username' | 'password' | 'team' | 'station', label: string, type = 'text') => {
      const errs = this.errors.under(k);
      return html`<label class="field ${errs.length ? 'invalid' : ''}"><span>${label}</span>
        <input type=${type} data-testid="user-${k}" .value=${d[k]} @input=${(e: Event) => (this.draft = { ...d, [k]: (e.target as HTMLInputElement).value })} />
        ${errs.map((p) => html`<span class="problem">${p}</span>`)}</label>`;
    };
    return html`<section class="panel">
      <h2>${t('admin.users')}</h2>
      ${this.error ? html`<div class="alert bad" role="alert" data-testid="users-error">${this.error}</div>` : nothing}
      <table data-testid="users-table"><thead><tr><th>${t('users.username')}</th><th>${t('users.role')}</th><th>${t('users.team')}</th><th>${t('users.station')}</th><th></th></tr></thead>
        <tbody>${this.items.map((u) => html`<tr data-testid="user-row" data-username=${u.username}>
          <td><strong>${u.username}</strong></td><td>${tMaybe(`role.${u.role}`, u.role)}</td>
          <td><input class="small" .value=${u.team ?? ''} @change=${(e: Event) => this.patch(u, { team: (e.target as HTMLInputElement).value })} /></td>
          <td><input class="small" data-testid="user-row-station" .value=${u.station ?? ''} @change=${(e: Event) => this.patch(u, { station: (e.target as HTMLInputElement).value })} /></td>
          <td><button class="small danger" @click=${() => this.removeUser(u)}>${t('admin.delete')}</button></td></tr>`)}</tbody></table>
      <form style="margin-top:1rem" @submit=${this.create}>
        <h3>${t('users.new')}</h3>
        <div class="grid2">
          ${fld('username', t('users.username'))} ${fld('password', t('users.password'), 'password')}
          <label class="field"><span>${t('users.role')}</span><select data-testid="user-role" @change=${(e: Event) => (this.draft = { ...d, role: (e.target as HTMLSelectElement).value })}>
            ${['agent', 'supervisor', 'admin'].map((r) => html`<option value=${r} ?selected=${d.role === r}>${tMaybe(`role.${r}`, r)}</option>`)}</select></label>
          ${fld('team', t('users.team'))} ${fld('station', t('users.station'))}
        </div>
        <button class="primary" type="submit" data-testid="user-create">${t('admin.create')}</button>
      </form>
    </section>`;
  }
}

interface TenantSettings {
  name?: string;
  max_concurrent_calls: number;
  end_call_enabled: boolean;
  default_timezone: string;
  default_region: string;
  default_caller_id?: string;
}

@customElement('od-admin-tenant')
export class AdminTenant extends BaseElement {
  @state() private s: TenantSettings | null = null;
  @state() private errors = new FieldErrors();
  @state() private error = '';
  @state() private saved = false;

  connectedCallback() {
    super.connectedCallback();
    this.load();
  }

  private async load() {
    try {
      this.s = await api.get<TenantSettings>('/tenant');
    } catch (e) {
      this.error = errText(e);
    }
  }

  private async save(e: Event) {
    e.preventDefault();
    if (!this.s) return;
    this.error = '';
    this.saved = false;
    this.errors = new FieldErrors();
    const body = {
      max_concurrent_calls: Number(this.s.max_concurrent_calls),
      end_call_enabled: this.s.end_call_enabled,
      default_timezone: this.s.default_timezone,
      default_region: this.s.default_region,
      ...(this.s.default_caller_id !== undefined ? { default_caller_id: this.s.default_caller_id } : {}),
    };
    try {
      this.s = { ...this.s, ...(await api.patch<TenantSettings>('/tenant', body)) };
      this.saved = true;
    } catch (err) {
      this.errors = new FieldErrors(err instanceof ApiError ? err.details : []);
      this.error = errText(err);
    }
  }

  render() {
    const s = this.s;
    if (!s) return html`<section class="panel">${this.error ? html`<div class="alert bad">${this.error}</div>` : t('app.connecting')}</section>`;
    const fld = (k: 'max_concurrent_calls' | 'default_timezone' | 'default_region' | 'default_caller_id', type = 'text') => {
      const errs = this.errors.under(k);
      return html`<label class="field ${errs.length ? 'invalid' : ''}"><span>${t(`tenant.${k}`)}</span>
        <input type=${type} data-testid="tenant-${k}" .value=${String(s[k] ?? '')} @input=${(e: Event) => (this.s = { ...s, [k]: (e.target as HTMLInputElement).value })} />
        ${errs.map((p) => html`<span class="problem">${p}</span>`)}</label>`;
    };
    return html`<form class="panel" @submit=${this.save} data-testid="tenant-form">
      <h2>${t('admin.tenant')}${s.name ? html` <span class="muted">· ${s.name}</span>` : nothing}</h2>
      ${this.error ? html`<div class="alert bad" role="alert">${this.error}</div>` : nothing}
      ${this.saved ? html`<div class="alert ok" data-testid="tenant-saved">${t('admin.saved')}</div>` : nothing}
      <div class="grid2">${fld('max_concurrent_calls', 'number')} ${fld('default_timezone')} ${fld('default_region')} ${fld('default_caller_id')}</div>
      <label class="check"><input type="checkbox" data-testid="tenant-end_call_enabled" .checked=${s.end_call_enabled}
        @change=${(e: Event) => (this.s = { ...s, end_call_enabled: (e.target as HTMLInputElement).checked })} />${t('tenant.end_call_enabled')}</label>
      <button class="primary" type="submit" data-testid="tenant-save">${t('admin.save')}</button>
    </form>`;
  }
}
