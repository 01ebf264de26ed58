/**
 * Whole-share bracket entries, pure: with `entryOrderType: bracket` and the signal's price known,
 * shares = floor(size ÷ price); at least one share → a bracket buy (market, or a limit at the price
 * + entryLimitOffsetPct) whose take-profit limit and stop-loss stop legs sit at the trade's levels;
 * otherwise the notional market buy, and the reason is said (journaled with the entry).
 * Invariants: the legs are on the broker's tick — the stop rounded DOWN, the target UP (never a leg
 * inside Keel's own levels); at least a cent from the entry's base price on their sides, as Alpaca
 * requires (else the notional buy, with why); the legs' prices become the trade's levels (stopPrice /
 * targetPrice of its exit plan), so Keel's own monitor and the broker's legs agree, and a bracket's
 * levels stay as sent (a settings change does not move them).
 */
import type { BotSettings } from '../../domain/bot-config.js';
import type { ExitPlan } from '../../domain/exit-plan.js';
import { Decimal } from '../../domain/money.js';
import { brokerStopPrice, toTick } from '../exits/protective-stop.js';
import { hardStopPrice, profitTargetPrice } from '../exits/thresholds.js';

export interface EntryChoice {
  plan: ExitPlan;
  /** why a bracket was asked for and the notional market buy is sent instead; null otherwise */
  fallback: string | null;
}

type Settings = Pick<BotSettings, 'entryOrderType' | 'entryLimitOffsetPct' | 'hardStopLossPct' | 'profitTargetPct'>;

export function chooseEntry(plan: ExitPlan, settings: Settings, price: Decimal | null, notional: Decimal): EntryChoice {
  if (settings.entryOrderType !== 'bracket') return { plan, fallback: null };
  const notionalBuy = (why: string): EntryChoice => ({ plan, fallback: `bracket entry not possible (${why}): the notional market buy` });
  if (price === null || !price.gt(0)) return notionalBuy('the signal carries no price');
  const qty = notional.div(price).floor();
  if (qty.lt(1)) return notionalBuy(`$${notional.toFixed(2)} buys less than one whole share at $${price.toFixed()}`);
  const offset = settings.entryLimitOffsetPct;
  const limit = offset === null ? null : toTick(price.times(new Decimal(offset).div(100).plus(1)), 'up');
  const base = limit ?? price;
  const stopPct = plan.override.hardStopLossPct ?? settings.hardStopLossPct;
  const targetPct = plan.override.profitTargetPct ?? settings.profitTargetPct;
  const stop = brokerStopPrice(plan.stopPrice !== null ? Number(plan.stopPrice) : hardStopPrice(base.toNumber(), stopPct));
  const target = toTick(plan.targetPrice !== null ? plan.targetPrice : profitTargetPrice(base.toNumber(), targetPct), 'up');
  const cent = new Decimal('0.01');
  if (!stop.gt(0) || stop.gt(base.minus(cent)) || target.lt(base.plus(cent))) {
    return notionalBuy(`its legs (stop ${stop.toFixed()}, target ${target.toFixed()}) are not a cent on their sides of ${base.toFixed()}`);
  }
  return {
    plan: { ...plan, stopPrice: stop.toFixed(), targetPrice: target.toFixed(), bracket: { qty: qty.toFixed(), limitPrice: limit?.toFixed() ?? null, takeProfit: target.toFixed(), stopLoss: stop.toFixed() } },
    fallback: null,
  };
}
