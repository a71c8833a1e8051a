// Maps the server's VALIDATION_FAILED details [{field, problem}] onto form inputs. Field names
// are paths such as `name`, `cpa.min_silence_period_ms`, `retry.busy.delay_s`,
// `dispositions[2].code`, `calling_window.mon[0]`.
import type { ErrorDetail } from './types.js';

export class FieldErrors {
  private readonly byField = new Map<string, string[]>();
  private readonly claimed = new Set<string>();

  constructor(details: readonly ErrorDetail[] = []) {
    for (const d of details) {
      if (!d || typeof d.field !== 'string') continue;
      const key = normalizeField(d.field);
      const list = this.byField.get(key) ?? [];
      list.push(String(d.problem ?? ''));
      this.byField.set(key, list);
    }
  }

  get size(): number {
    return this.byField.size;
  }

  // Problems of exactly this field.
  exact(field: string): string[] {
    this.claimed.add(field);
    return this.byField.get(field) ?? [];
  }

  // Problems of this field and everything below it (`calling_window.mon` takes
  // `calling_window.mon[0]`, `dispositions[1]` takes `dispositions[1].code`).
  under(prefix: string): string[] {
    const out: string[] = [];
    for (const [k, v] of this.byField) {
      if (k === prefix || k.startsWith(prefix + '.') || k.startsWith(prefix + '[')) {
        this.claimed.add(k);
        out.push(...v.map((p) => (k === prefix ? p : `${k.slice(prefix.length).replace(/^\./, '')}: ${p}`)));
      }
    }
    return out;
  }

  has(field: string): boolean {
    return this.under(field).length > 0;
  }

  // Problems no input claimed, listed at the top of the form (each with its field name).
  unclaimed(knownPrefixes: readonly string[]): ErrorDetail[] {
    const out: ErrorDetail[] = [];
    for (const [k, v] of this.byField) {
      const known = knownPrefixes.some((p) => k === p || k.startsWith(p + '.') || k.startsWith(p + '['));
      if (!known) for (const problem of v) out.push({ field: k, problem });
    }
    return out;
  }
}

// `calling_window/mon/0`, `retry[busy].delay_s` and the like become dotted paths.
export function normalizeField(field: string): string {
  return field
    .trim()
    .replace(/^\$?\.?/, '')
    .replace(/\//g, '.')
    .replace(/\[([A-Za-z_][A-Za-z0-9_]*)\]/g, '.$1');
}
