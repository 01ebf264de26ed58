/**
 * risk_based: risk dollars = equity × riskPctPerTrade / 100; stop distance (a fraction of price) =
 * (price − stopLossPrice) / price when the signal carries a stop below a known price, else
 * hardStopLossPct / 100 (Keel's own monitor stop); notional = risk dollars / distance.
 * Unknown equity → BUYING_POWER_UNKNOWN (see pct-portfolio.sizer.ts); a non-positive distance →
 * SIZE_NOT_POSITIVE (dividing by it would be meaningless).
 */
import { Decimal } from '../../domain/money.js';
import { deny } from '../risk/deny.js';
import type { Sizer } from './raw-size.js';

export const riskBasedSizer: Sizer = ({ settings, signal, equity, price }) => {
  if (equity === null) {
    return { ok: false, denial: deny('BUYING_POWER_UNKNOWN', 'account equity unknown: cannot size a risk-based entry', { missing: 'equity' }) };
  }
  const riskUsd = equity.times(new Decimal(settings.riskPctPerTrade)).div(100);
  const stop = signal.stopLossPrice;
  const px = price === null ? null : new Decimal(price);
  const useSignalStop = stop !== null && px !== null && px.gt(0) && stop.lt(px);
  const distance = useSignalStop ? px.minus(stop).div(px) : new Decimal(settings.hardStopLossPct).div(100);
  const inputs = {
    equity: equity.toFixed(),
    riskPctPerTrade: settings.riskPctPerTrade,
    riskUsd: riskUsd.toFixed(),
    stopSource: useSignalStop ? 'signal_stop' : 'hard_stop_pct',
    stopDistance: distance.toFixed(),
    price: px === null ? null : px.toFixed(),
  };
  if (distance.lte(0)) {
    return { ok: false, denial: deny('SIZE_NOT_POSITIVE', 'stop distance is zero: cannot size a risk-based entry', inputs) };
  }
  return { ok: true, notional: riskUsd.div(distance), inputs };
};
