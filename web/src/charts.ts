// Small hand-written SVG charts for the supervisor view (no charting library: the bundle stays
// small). Each function returns a Lit SVG template that re-renders with the data.
import { html, svg } from 'lit';

export interface Slice {
  key: string;
  label: string;
  value: number;
  color: string;
}

// One horizontal stacked bar (e.g. contacts by state), with a legend.
export function stackedBar(slices: Slice[], testid: string) {
  const total = slices.reduce((s, x) => s + Math.max(0, x.value), 0);
  let x = 0;
  const W = 400;
  return html`<svg viewBox="0 0 ${W} 22" width="100%" height="22" preserveAspectRatio="none" role="img" data-testid=${testid} data-total=${total}>
      <rect x="0" y="0" width=${W} height="22" rx="4" fill="#eef0f3"></rect>
      ${slices.map((s) => {
        const w = total ? (Math.max(0, s.value) / total) * W : 0;
        const r = svg`<rect x=${x} y="0" width=${w} height="22" fill=${s.color} data-key=${s.key} data-value=${s.value}><title>${s.label}: ${s.value}</title></rect>`;
        x += w;
        return r;
      })}
    </svg>
    <div class="legend">${slices.map((s) => html`<span><i style="background:${s.color}"></i>${s.label} <strong>${s.value}</strong></span>`)}</div>`;
}

// Vertical bars with labels (e.g. attempts by outcome).
export function barChart(slices: Slice[], testid: string) {
  const W = 400;
  const H = 110;
  const max = Math.max(1, ...slices.map((s) => s.value));
  const n = Math.max(1, slices.length);
  const bw = W / n;
  return html`<svg viewBox="0 0 ${W} ${H + 30}" width="100%" role="img" data-testid=${testid}>
    ${slices.map((s, i) => {
      const h = (s.value / max) * H;
      return svg`<g data-key=${s.key} data-value=${s.value}>
        <rect x=${i * bw + bw * 0.15} y=${H - h} width=${bw * 0.7} height=${Math.max(h, 0.5)} rx="3" fill=${s.color}><title>${s.label}: ${s.value}</title></rect>
        <text x=${i * bw + bw / 2} y=${H - h - 4} text-anchor="middle" font-size="11" fill="#1c2433">${s.value}</text>
        <text x=${i * bw + bw / 2} y=${H + 14} text-anchor="middle" font-size="10" fill="#5b6678">${s.label.length > 11 ? s.label.slice(0, 10) + '…' : s.label}</text>
      </g>`;
    })}
    <line x1="0" x2=${W} y1=${H} y2=${H} stroke="#dde2ea"></line>
  </svg>`;
}

// A line of recent values against up to two limits (active calls vs tenant / data-centre limit).
export function sparkline(values: number[], limits: { label: string; value: number; color: string }[], testid: string) {
  const W = 400;
  const H = 70;
  const top = Math.max(1, ...values, ...limits.map((l) => l.value).filter((v) => v <= Math.max(1, ...values) * 4));
  const pts = values.map((v, i) => `${values.length <= 1 ? W : (i / (values.length - 1)) * W},${H - (v / top) * (H - 4) - 2}`).join(' ');
  return html`<svg viewBox="0 0 ${W} ${H}" width="100%" height=${H} preserveAspectRatio="none" role="img" data-testid=${testid} data-last=${values.at(-1) ?? 0}>
    <rect x="0" y="0" width=${W} height=${H} fill="#fafbfd"></rect>
    ${limits.filter((l) => l.value <= top).map((l) => svg`<line x1="0" x2=${W} y1=${H - (l.value / top) * (H - 4) - 2} y2=${H - (l.value / top) * (H - 4) - 2} stroke=${l.color} stroke-dasharray="5 4"><title>${l.label}: ${l.value}</title></line>`)}
    ${values.length ? svg`<polyline points=${pts} fill="none" stroke="#2f6fde" stroke-width="2" vector-effect="non-scaling-stroke"></polyline>` : ''}
  </svg>`;
}

// A gauge bar: value out of limit.
export function gauge(value: number, limit: number | undefined, label: string, testid: string) {
  const pct = limit ? Math.min(100, (value / limit) * 100) : 0;
  const color = pct >= 90 ? '#b42318' : pct >= 70 ? '#a45b00' : '#1a7f4b';
  return html`<div data-testid=${testid} data-value=${value} data-limit=${limit ?? ''} style="margin:.35rem 0">
    <div class="row" style="font-size:.85rem"><span>${label}</span><span class="spacer"></span><strong>${value}${limit ? ` / ${limit}` : ''}</strong></div>
    <div class="progress"><div style="width:${pct}%;background:${color}"></div></div>
  </div>`;
}
