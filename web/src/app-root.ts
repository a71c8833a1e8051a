// The page shell: sign-in, then the surface of the user's role (agent desktop, administration,
// supervisor view), the language switch and sign-out. Routes are hash based (#/desktop,
// #/admin, #/supervisor) so the server's index.html fallback serves every path.
import { html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { BaseElement } from './base.js';
import { lang, setLang, t, type Lang } from './i18n.js';
import { api, clearSession, loadSession, saveSession, type Session } from './session.js';
import { ApiError } from './api.js';
import type { LoginAnswer, Role } from './types.js';
import './views/agent-desktop.js';
import './views/admin-console.js';
import './views/supervisor-view.js';

type Route = 'desktop' | 'admin' | 'supervisor';

function routesFor(role: Role): Route[] {
  if (role === 'agent') return ['desktop'];
  if (role === 'supervisor') return ['supervisor'];
  return ['admin', 'supervisor'];
}

@customElement('od-app')
export class AppRoot extends BaseElement {
  @state() private session: Session | null = loadSession();
  @state() private route: Route = 'desktop';
  @state() private loginError = '';
  @state() private loggingIn = false;
  @state() private conn: string = '';

  connectedCallback(): void {
    super.connectedCallback();
    api.onUnauthenticated = () => this.signedOut();
    if (this.session) api.token = this.session.token;
    window.addEventListener('hashchange', this.onHash);
    this.onHash();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHash);
  }

  private onHash = () => {
    const want = location.hash.replace(/^#\/?/, '') as Route;
    const allowed = this.session ? routesFor(this.session.user.role) : [];
    this.route = allowed.includes(want) ? want : (allowed[0] ?? 'desktop');
  };

  private async login(e: Event) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const tenant = String(data.get('tenant') ?? '').trim();
    this.loggingIn = true;
    this.loginError = '';
    try {
      const answer = await api.post<LoginAnswer>('/login', {
        tenant,
        username: String(data.get('username') ?? '').trim(),
        password: String(data.get('password') ?? ''),
      });
      api.token = answer.token;
      this.session = saveSession(answer, tenant);
      this.onHash();
    } catch (err) {
      const code = err instanceof ApiError ? err.code : 'INTERNAL';
      this.loginError = code === 'UNAUTHENTICATED' ? t('login.failed') : code === 'UNAVAILABLE' ? t('error.network') : (err as Error).message;
    } finally {
      this.loggingIn = false;
    }
  }

  private async logout() {
    try {
      await api.post('/logout');
    } catch {
      /* the token goes away on our side anyway */
    }
    this.signedOut();
  }

  private signedOut() {
    api.token = null;
    clearSession();
    this.session = null;
    this.conn = '';
  }

  private renderLogin() {
    return html`<div class="login-wrap">
      <form class="panel login" @submit=${this.login} novalidate>
        <h1>${t('login.heading')}</h1>
        ${this.loginError ? html`<div class="alert bad" role="alert" data-testid="login-error">${this.loginError}</div>` : ''}
        <label class="field"><span>${t('login.tenant')}</span>
          <input name="tenant" data-testid="login-tenant" autocomplete="organization" required .value=${loadLastTenant()} /></label>
        <label class="field"><span>${t('login.username')}</span>
          <input name="username" data-testid="login-username" autocomplete="username" required /></label>
        <label class="field"><span>${t('login.password')}</span>
          <input name="password" type="password" data-testid="login-password" autocomplete="current-password" required /></label>
        <button class="primary big" type="submit" data-testid="login-submit" ?disabled=${this.loggingIn}>${t('login.submit')}</button>
      </form>
    </div>`;
  }

  private renderPage(s: Session) {
    switch (this.route) {
      case 'desktop':
        return html`<od-agent-desktop .session=${s} @connection=${(e: CustomEvent) => (this.conn = e.detail)}></od-agent-desktop>`;
      case 'admin':
        return html`<od-admin-console .session=${s}></od-admin-console>`;
      case 'supervisor':
        return html`<od-supervisor-view .session=${s} @connection=${(e: CustomEvent) => (this.conn = e.detail)}></od-supervisor-view>`;
    }
  }

  render() {
    const s = this.session;
    const routes = s ? routesFor(s.user.role) : [];
    const navLabel: Record<Route, string> = {
      desktop: t('app.nav.desktop'),
      admin: t('app.nav.admin'),
      supervisor: t('app.nav.supervisor'),
    };
    return html`
      <header class="topbar">
        <div class="brand"><span class="dot"></span>${t('app.title')}</div>
        ${routes.length > 1
          ? html`<nav>${routes.map((r) => html`<a href="#/${r}" class=${this.route === r ? 'active' : ''} data-testid="nav-${r}">${navLabel[r]}</a>`)}</nav>`
          : ''}
        <div class="spacer"></div>
        ${s && this.conn && this.route !== 'admin'
          ? html`<span class="conn ${this.conn}" data-testid="connection" data-status=${this.conn}>${this.conn === 'open' ? t('app.online') : this.conn === 'connecting' ? t('app.connecting') : t('app.offline')}</span>`
          : ''}
        <label class="sr-only" for="lang">${t('app.language')}</label>
        <select id="lang" data-testid="lang-switch" .value=${lang()} @change=${(e: Event) => setLang((e.target as HTMLSelectElement).value as Lang)}>
          <option value="en" ?selected=${lang() === 'en'}>English</option>
          <option value="de" ?selected=${lang() === 'de'}>Deutsch</option>
        </select>
        ${s
          ? html`<span class="who" data-testid="who">${s.user.username} · ${s.tenant}</span>
              <button class="small" data-testid="logout" @click=${this.logout}>${t('app.logout')}</button>`
          : ''}
      </header>
      ${s ? this.renderPage(s) : this.renderLogin()}
    `;
  }

  updated() {
    if (this.session) rememberTenant(this.session.tenant);
  }
}

function loadLastTenant(): string {
  try {
    return localStorage.getItem('outdial.tenant') ?? '';
  } catch {
    return '';
  }
}
function rememberTenant(t: string) {
  try {
    localStorage.setItem('outdial.tenant', t);
  } catch {
    /* not important */
  }
}
