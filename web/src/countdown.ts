// The offer countdown is computed from the server's `expires_at` only; the desktop shows it and
// never acts when it reaches zero (the server performs the timeout action, PRODUCT.md §5.2).

// Milliseconds left until `expiresAt` (epoch ms, server clock). `skewMs` is the server clock
// minus the client clock (see estimateSkew); null means "no timeout".
export function remainingMs(expiresAt: number | null | undefined, nowMs: number, skewMs = 0): number | null {
  if (expiresAt === null || expiresAt === undefined) return null;
  return Math.max(0, expiresAt - (nowMs + skewMs));
}

// "m:ss" rounded up, so the display shows 0:00 only when the time is really over.
export function formatCountdown(ms: number | null): string {
  if (ms === null) return '';
  const total = Math.ceil(ms / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${m}:${String(s).padStart(2, '0')}`;
}

// Server clock minus client clock from an HTTP `Date` header (1 s resolution) taken between
// `sentAt` and `receivedAt`. Small differences are noise of the header's resolution: ignored.
export function estimateSkew(dateHeader: string | null, sentAt: number, receivedAt: number): number {
  if (!dateHeader) return 0;
  const server = Date.parse(dateHeader);
  if (Number.isNaN(server)) return 0;
  const mid = (sentAt + receivedAt) / 2;
  const skew = server + 500 - mid; // the header truncates to the second
  return Math.abs(skew) > 2000 ? Math.round(skew) : 0;
}

// Seconds elapsed since `startedAt` (server clock), for the task timer.
export function elapsedSeconds(startedAt: number | null | undefined, nowMs: number, skewMs = 0): number {
  if (!startedAt) return 0;
  return Math.max(0, Math.floor((nowMs + skewMs - startedAt) / 1000));
}
