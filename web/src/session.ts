// The signed-in user and the one Api instance. The token lives in sessionStorage, so a reload
// of the tab keeps the session and a new tab or browser asks to sign in.
import { Api } from './api.js';
import type { LoginAnswer, User } from './types.js';

export const api = new Api();

export interface Session {
  token: string;
  expires_at: number;
  user: User;
  tenant: string;
}

const KEY = 'outdial.session';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    if (!s.token || !s.user || (s.expires_at && s.expires_at < Date.now())) return null;
    return s;
  } catch {
    return null;
  }
}

export function saveSession(answer: LoginAnswer, tenant: string): Session {
  const s: Session = { token: answer.token, expires_at: answer.expires_at, user: answer.user, tenant };
  try {
    sessionStorage.setItem(KEY, JSON.stringify(s));
  } catch {
    /* storage unavailable: the session lasts for this page */
  }
  return s;
}

export function clearSession(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    /* nothing stored */
  }
}
