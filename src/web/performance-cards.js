// The Performance view's figures as text: the summary cards and the breakdown table. P&L is signed
// and worded (never colour alone); a figure the API leaves undefined shows "—" and says why on hover.
import { html } from './html.js';
import { signedMoney } from './format.js';
import { pnlWord } from './journal-format.js';
import { DIMENSIONS, dollars, keyText, missing, nullReasons, percentOfRatio, plainNumber, signedPercent } from './performance-format.js';

function Card({ label, figure, note, word }) {
  return html`
    <div class="card">
      <dt>${label}</dt>
      <dd class=${`num ${figure.sign}`} title=${figure.title}>${figure.text}${word && figure.sign !== 'none' && html` <span class="word">${pnlWord(figure.sign)}</span>`}</dd>
      ${note && html`<dd class="note">${note}</dd>`}
    </div>`;
}

const money = (value, why) => (value === null || value === undefined ? missing(why) : signedMoney(value));

function tradeFigure(trade, why) {
  return trade === null ? { figure: missing(why), note: null } : { figure: signedMoney(trade.pnl), note: html`<a href=${`#/journal/${trade.id}`}>${trade.symbol}</a>` };
}

export function SummaryCards({ summary, curveLength }) {
  const why = nullReasons(summary, curveLength);
  const best = tradeFigure(summary.bestTrade, why.best);
  const worst = tradeFigure(summary.worstTrade, why.worst);
  const dd = summary.maxDrawdownPct === null ? missing(why.drawdown) : { text: `−${summary.maxDrawdownPct.toFixed(2)}%`, sign: summary.maxDrawdownPct > 0 ? 'loss' : 'flat' };
  return html`
    <dl class="cards" aria-label="Summary">
      <${Card} label="Total P&L" figure=${signedMoney(summary.totalPnl)} word />
      <${Card} label="Trades" figure=${{ text: String(summary.trades), sign: 'none' }} note=${`${summary.wins} won · ${summary.losses} lost · ${summary.breakeven} even`} />
      <${Card} label="Win rate" figure=${percentOfRatio(summary.winRate, why.winRate)} />
      <${Card} label="Profit factor" figure=${plainNumber(summary.profitFactor, why.profitFactor)} />
      <${Card} label="Expectancy" figure=${money(summary.expectancy, why.expectancy)} note="per trade" />
      <${Card} label="Sharpe" figure=${plainNumber(summary.sharpe, why.sharpe)} note="daily, annualised" />
      <${Card} label="Sortino" figure=${plainNumber(summary.sortino, why.sortino)} note="daily, annualised" />
      <${Card} label="Max drawdown" figure=${summary.maxDrawdownUsd === null ? missing(why.drawdown) : dollars(summary.maxDrawdownUsd)} note=${dd.title ? null : dd.text} />
      <${Card} label="Return" figure=${signedPercent(summary.returnPct, why.drawdown === 'no equity snapshot in this range' ? why.drawdown : 'no equity to compare')} note="equity, first to last" />
      <${Card} label="Best trade" figure=${best.figure} note=${best.note} word />
      <${Card} label="Worst trade" figure=${worst.figure} note=${worst.note} word />
    </dl>`;
}

export function BreakdownTable({ dimension, rows }) {
  if (rows.length === 0) return html`<p class="muted">No closed trade to group.</p>`;
  return html`
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">P&L by ${DIMENSIONS[dimension].toLowerCase()}, largest total first</caption>
        <thead><tr>
          <th scope="col">${DIMENSIONS[dimension]}</th><th scope="col" class="num">Trades</th><th scope="col" class="num">Wins</th>
          <th scope="col" class="num">Win rate</th><th scope="col" class="num">Total P&L</th><th scope="col" class="num">Avg P&L</th>
          <th scope="col" class="num">Profit factor</th>
        </tr></thead>
        <tbody>
          ${rows.map((r) => {
            const total = signedMoney(r.totalPnl);
            const avg = money(r.avgPnl, 'no closed trade');
            const pf = plainNumber(r.profitFactor, 'no losing trade: nothing to divide by');
            const rate = percentOfRatio(r.winRate, 'no closed trade');
            return html`<tr>
              <th scope="row">${keyText(dimension, r.key)}</th>
              <td class="num">${r.trades}</td>
              <td class="num">${r.wins}</td>
              <td class="num" title=${rate.title}>${rate.text}</td>
              <td class=${`num ${total.sign}`}>${total.text} <span class="word">${pnlWord(total.sign)}</span></td>
              <td class=${`num ${avg.sign}`}>${avg.text}</td>
              <td class="num" title=${pf.title}>${pf.text}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>`;
}
