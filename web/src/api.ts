// REST client for /api/v1 (API.md): same-origin relative URLs, Bearer token, errors as ApiError
// carrying the server's {code, message, details}.
import { estimateSkew } from './countdown.js';
import type { ErrorDetail, ImportResult } from './types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorFromBody(status: number, body: unknown): ApiError {
  const err = (body as { error?: { code?: string; message?: string; details?: ErrorDetail[] } } | null)?.error;
  if (err && typeof err.code === 'string') {
    return new ApiError(status, err.code, err.message ?? err.code, Array.isArray(err.details) ? err.details : []);
  }
  const code =
    status === 401 ? 'UNAUTHENTICATED'
    : status === 403 ? 'FORBIDDEN'
    : status === 404 ? 'NOT_FOUND'
    : status === 409 ? 'CONFLICT'
    : status === 413 ? 'PAYLOAD_TOO_LARGE'
    : status === 429 ? 'RATE_LIMITED'
    : status === 503 ? 'UNAVAILABLE'
    : status >= 500 ? 'INTERNAL'
    : 'VALIDATION_FAILED';
  return new ApiError(status, code, `HTTP ${status}`);
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export class Api {
  token: string | null = null;
  skewMs = 0;
  onUnauthenticated: (() => void) | null = null;

  constructor(
    private readonly fetchImpl: FetchLike = (i, init) => fetch(i, init),
    readonly base = '/api/v1',
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json; charset=utf-8';
      payload = JSON.stringify(body);
    }
    const sent = Date.now();
    let res: Response;
    try {
      res = await this.fetchImpl(this.base + path, { method, headers, body: payload });
    } catch {
      throw new ApiError(0, 'UNAVAILABLE', 'network error');
    }
    const skew = estimateSkew(res.headers.get('Date'), sent, Date.now());
    if (skew) this.skewMs = skew;
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
    if (!res.ok) {
      const e = errorFromBody(res.status, parsed);
      if (res.status === 401 && this.token && this.onUnauthenticated) this.onUnauthenticated();
      throw e;
    }
    return parsed as T;
  }

  get<T>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  patch<T>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  put<T>(path: string) {
    return this.request<T>('PUT', path);
  }
  del<T>(path: string) {
    return this.request<T>('DELETE', path);
  }

  // CSV import with upload progress (fetch cannot report upload progress; XHR can).
  uploadCsv(campaignId: string, file: Blob, onProgress: (fraction: number) => void): Promise<ImportResult> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${this.base}/campaigns/${encodeURIComponent(campaignId)}/contacts`);
      if (this.token) xhr.setRequestHeader('Authorization', `Bearer ${this.token}`);
      xhr.setRequestHeader('Content-Type', 'text/csv');
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
      };
      xhr.onload = () => {
        let body: unknown = null;
        try {
          body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
        } catch {
          body = null;
        }
        if (xhr.status >= 200 && xhr.status < 300) {
          onProgress(1);
          resolve(body as ImportResult);
        } else reject(errorFromBody(xhr.status, body));
      };
      xhr.onerror = () => reject(new ApiError(0, 'UNAVAILABLE', 'network error'));
      xhr.send(file);
    });
  }
}

export function pathSeg(s: string): string {
  return encodeURIComponent(s);
}
