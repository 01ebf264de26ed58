// The Performance view's charts, drawn as SVG by hand: the equity curve over its drawdown, the
// daily P&L bars and the win rate by strategy. A few hundred lines of SVG weigh less than a chart
// library, need no extra download, and take their colours from the page's CSS variables, so both
// themes read without any code. Each chart is drawn at its container's real width (text never
// shrinks on a phone) and carries a text description for screen readers; bars say their figures
// on hover.
import { html } from './html.js';
import { useEffect, useRef, useState } from 'preact/hooks';
import { signedMoney } from './format.js';
import { axisMoney, dateText, keyText, nyDay } from './performance-format.js';

const LEFT = 72;
const RIGHT = 8;

/** the pixel width inside the returned ref's element (its padding taken off), followed as it resizes */
function useWidth() {
  const ref = useRef(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const measure = () => {
      const style = getComputedStyle(el);
      setWidth(Math.max(0, Math.floor(el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight))));
    };
    const seen = new ResizeObserver(measure);
    seen.observe(el);
    measure();
    return () => seen.disconnect();
  }, []);
  return [ref, width];
}

const scale = (d0, d1, r0, r1) => (v) => (d1 === d0 ? (r0 + r1) / 2 : r0 + ((v - d0) / (d1 - d0)) * (r1 - r0));

/** equity above, its fall from the running peak (%) below; x is the point's place (nights take no room) */
export function EquityChart({ curve }) {
  const [ref, width] = useWidth();
  const points = curve.map((p) => ({ t: p.t, equity: Number(p.equity) }));
  let peak = -Infinity;
  for (const p of points) { peak = Math.max(peak, p.equity); p.dd = peak > 0 ? ((p.equity - peak) / peak) * 100 : 0; }
  const lo = Math.min(...points.map((p) => p.equity)), hi = Math.max(...points.map((p) => p.equity));
  const worst = Math.min(0, ...points.map((p) => p.dd));
  const top = { y0: 8, y1: 180 }, bottom = { y0: 206, y1: 276 };
  const x = scale(0, Math.max(points.length - 1, 1), LEFT, width - RIGHT);
  const y = scale(lo, hi, top.y1, top.y0);
  const yd = scale(worst === 0 ? -1 : worst, 0, bottom.y1, bottom.y0);
  const line = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.equity).toFixed(1)}`).join('');
  const area = `M${x(0)},${yd(0)}${points.map((p, i) => `L${x(i).toFixed(1)},${yd(p.dd).toFixed(1)}`).join('')}L${x(points.length - 1)},${yd(0)}Z`;
  const ticks = dayTicks(points, width);
  const label = `Equity from ${axisMoney(points[0].equity)} to ${axisMoney(points[points.length - 1].equity)}, between ${axisMoney(lo)} and ${axisMoney(hi)}; deepest drawdown ${Math.abs(worst).toFixed(2)}%.`;
  return html`
    <figure class="chart" ref=${ref}>
      <figcaption>Equity and drawdown</figcaption>
      ${width > 0 && html`<svg width=${width} height="296" role="img" aria-label=${label}>
        <line class="grid" x1=${LEFT} x2=${width - RIGHT} y1=${top.y0} y2=${top.y0} />
        <line class="grid" x1=${LEFT} x2=${width - RIGHT} y1=${top.y1} y2=${top.y1} />
        <text x=${LEFT - 6} y=${top.y0 + 4} text-anchor="end">${axisMoney(hi)}</text>
        <text x=${LEFT - 6} y=${top.y1 + 4} text-anchor="end">${axisMoney(lo)}</text>
        <path class="equity-line" d=${line} />
        <line class="grid" x1=${LEFT} x2=${width - RIGHT} y1=${bottom.y0} y2=${bottom.y0} />
        <text x=${LEFT - 6} y=${bottom.y0 + 4} text-anchor="end">0%</text>
        <text x=${LEFT - 6} y=${bottom.y1 + 4} text-anchor="end">${worst === 0 ? '' : `−${Math.abs(worst).toFixed(1)}%`}</text>
        <text x=${LEFT} y=${bottom.y0 - 6}>Drawdown</text>
        <path class="drawdown-area" d=${area} />
        ${ticks.map((t) => html`<text x=${x(t.i)} y="292" text-anchor=${t.i === 0 ? 'start' : x(t.i) > width - RIGHT - 24 ? 'end' : 'middle'}>${t.text}</text>`)}
      </svg>`}
    </figure>`;
}

/** a date label where a new New York day starts, no closer than 70 px to the last one */
function dayTicks(points, width) {
  const ticks = [];
  const x = scale(0, Math.max(points.length - 1, 1), LEFT, width - RIGHT);
  let lastDay = null, lastX = -Infinity;
  points.forEach((p, i) => {
    const day = nyDay(p.t);
    if (day.key === lastDay) return;
    lastDay = day.key;
    if (x(i) - lastX < 70) return;
    lastX = x(i);
    ticks.push({ i, text: day.text });
  });
  return ticks;
}

/** one bar per ET day, up for a gain and down for a loss, from the zero line */
export function DailyBars({ days }) {
  const [ref, width] = useWidth();
  const values = days.map((d) => Number(d.realizedPnl));
  const most = Math.max(1, ...values.map(Math.abs));
  const y = scale(-most, most, 150, 8);
  const band = (width - LEFT - RIGHT) / Math.max(days.length, 1);
  const barWidth = Math.max(2, Math.min(36, band * 0.7));
  const gains = values.filter((v) => v > 0).length, losses = values.filter((v) => v < 0).length;
  const label = `Realized P&L on ${days.length} days: ${gains} up, ${losses} down.`;
  const every = Math.ceil(days.length / Math.max(1, Math.floor((width - LEFT) / 64)));
  return html`
    <figure class="chart" ref=${ref}>
      <figcaption>Daily realized P&L</figcaption>
      ${width > 0 && html`<svg width=${width} height="172" role="img" aria-label=${label}>
        <text x=${LEFT - 6} y=${y(most) + 4} text-anchor="end">${axisMoney(most)}</text>
        <text x=${LEFT - 6} y=${y(-most) + 4} text-anchor="end">${axisMoney(-most)}</text>
        ${days.map((d, i) => {
          const v = values[i];
          const cx = LEFT + band * (i + 0.5);
          const money = signedMoney(d.realizedPnl);
          return html`<g>
            <rect class=${v >= 0 ? 'bar-gain' : 'bar-loss'} x=${cx - barWidth / 2} width=${barWidth} y=${Math.min(y(v), y(0))} height=${Math.max(1, Math.abs(y(v) - y(0)))}>
              <title>${`${d.date}: ${money.text} (${d.trades} trade${d.trades === 1 ? '' : 's'})`}</title>
            </rect>
            ${i % every === 0 && html`<text x=${cx} y="168" text-anchor="middle">${dateText(d.date)}</text>`}
          </g>`;
        })}
        <line class="zero" x1=${LEFT} x2=${width - RIGHT} y1=${y(0)} y2=${y(0)} />
      </svg>`}
    </figure>`;
}

/** a horizontal bar per strategy, its length the win rate, its figures written beside it */
export function WinRateBars({ rows }) {
  const [ref, width] = useWidth();
  const labelWidth = Math.min(140, Math.max(80, width * 0.3));
  const textWidth = 120;
  const x = scale(0, 1, labelWidth, Math.max(labelWidth + 20, width - textWidth));
  const label = rows.map((r) => `${keyText('strategy', r.key)}: ${r.winRate === null ? 'no trade' : `${(r.winRate * 100).toFixed(1)}%`} of ${r.trades}`).join('; ');
  return html`
    <figure class="chart" ref=${ref}>
      <figcaption>Win rate by strategy</figcaption>
      ${width > 0 && html`<svg width=${width} height=${rows.length * 30 + 8} role="img" aria-label=${`Win rate by strategy: ${label}`}>
        ${rows.map((r, i) => {
          const top = 4 + i * 30;
          const rate = r.winRate ?? 0;
          return html`<g>
            <text x=${labelWidth - 8} y=${top + 16} text-anchor="end" class="key">${clip(keyText('strategy', r.key), labelWidth)}</text>
            <rect class="bar-track" x=${x(0)} y=${top + 3} width=${x(1) - x(0)} height="18" />
            <rect class="bar-rate" x=${x(0)} y=${top + 3} width=${Math.max(0, x(rate) - x(0))} height="18" />
            <text x=${x(1) + 8} y=${top + 16}>${r.winRate === null ? '—' : `${(r.winRate * 100).toFixed(1)}%`} · ${r.wins}/${r.trades}</text>
          </g>`;
        })}
      </svg>`}
    </figure>`;
}

/** a label that fits about `px` pixels at the chart's type size */
const clip = (text, px) => (text.length * 7 > px ? `${text.slice(0, Math.max(3, Math.floor(px / 7) - 1))}…` : text);
