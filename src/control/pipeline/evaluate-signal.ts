/**
 * One signal's decision, before any mode applies: rate → duplicate → size → every entry check.
 * Invariants: a signal that cannot be rated, or rates below 3 stars, is denied before the broker
 * is asked anything; a symbol with a live trade is a duplicate whatever else holds; every check
 * that ran keeps its verdict (the what-if view and the trade's provenance).
 */
import type { CheckVerdict, Denial } from '../../domain/denial.js';
import type { SignalInput, SizeDecision } from '../../domain/signal.js';
import type { BotConfig } from '../../domain/bot-config.js';
import { runEntryChecks } from '../../core/risk/gateway.js';
import { rateStars } from '../../core/signals/rate-stars.js';
import { sizeEntry } from '../../core/sizing/size-entry.js';
import { gatherEntryFacts, needsBroker, toEntryContext, warmBrokerFacts, type BrokerNeeds, type EntryFacts, type FactsOptions, type NeedsBroker } from './entry-context.js';
import type { PipelineRuntime } from './pipeline-runtime.js';
import type { AccountCache } from './account-cache.js';
import type { PipelineDeps } from './pipeline-deps.js';

const MIN_STARS = 3;

export interface Evaluation {
  config: BotConfig;
  stars: number | null;
  /** the first denial; null = the entry may go */
  denial: Denial | null;
  /** a live trade already holds the symbol: skipped_duplicate, no trade row */
  duplicate: boolean;
  /** rating failed: skipped whatever the execution mode */
  unrated: boolean;
  verdicts: CheckVerdict[];
  size: SizeDecision | null;
  facts: EntryFacts | null;
}

export interface EvaluateOptions {
  /** every check runs and keeps its verdict even for a duplicate (POST /api/signals/evaluate) */
  whatIf?: boolean;
  /** how the broker may be asked (entry-context.ts); default 'wait' */
  facts?: FactsOptions;
}

export async function evaluateSignal(deps: PipelineDeps, account: AccountCache, signal: SignalInput, opts?: { whatIf?: boolean; facts?: FactsOptions & { broker: 'wait' | 'never' } }): Promise<Evaluation>;
export async function evaluateSignal(deps: PipelineDeps, account: AccountCache, signal: SignalInput, opts: EvaluateOptions): Promise<Evaluation | NeedsBroker>;
export async function evaluateSignal(deps: PipelineDeps, account: AccountCache, signal: SignalInput, opts: EvaluateOptions = {}): Promise<Evaluation | NeedsBroker> {
  const stars = rateStars(signal);
  const ratingDenial = starDenial(signal, stars);
  if (ratingDenial) {
    const config = await deps.control.getConfig();
    return { config, stars, denial: ratingDenial, duplicate: false, unrated: true, verdicts: [verdict('star-rating', ratingDenial)], size: null, facts: null };
  }
  const facts = await gatherEntryFacts(deps, account, signal, opts.facts ?? { broker: 'wait' });
  if (needsBroker(facts)) return facts;
  const base = { config: facts.config, stars, unrated: false, facts };
  if (facts.liveSymbols.has(signal.symbol) && !opts.whatIf) {
    const denial: Denial = { code: 'DUPLICATE_SYMBOL', message: `${signal.symbol} already has a live trade`, context: { symbol: signal.symbol } };
    return { ...base, denial, duplicate: true, verdicts: [verdict('star-rating', null), verdict('duplicate-symbol', denial)], size: null };
  }
  const sized = sizeEntry({ settings: facts.config, signal, stars: stars as number, equity: facts.equity, price: facts.price });
  if (!sized.ok) {
    return { ...base, denial: sized.denial, duplicate: false, verdicts: [verdict('star-rating', null), verdict('sizing', sized.denial)], size: null };
  }
  const checked = runEntryChecks(toEntryContext(facts, signal, sized.size.notional));
  const denial = checked.denial;
  return {
    ...base,
    denial,
    duplicate: denial?.code === 'DUPLICATE_SYMBOL',
    verdicts: [verdict('star-rating', null), verdict('sizing', null), ...checked.verdicts],
    size: sized.size,
  };
}

function starDenial(signal: SignalInput, stars: number | null): Denial | null {
  if (stars === null) {
    return { code: 'NO_STAR_RATING', message: `tier ${signal.catalystTier} needs an AI confidence or explicit stars`, context: { catalystTier: signal.catalystTier } };
  }
  if (stars < MIN_STARS) return { code: 'STARS_TOO_LOW', message: `${stars} stars is below ${MIN_STARS}`, context: { stars, min: MIN_STARS } };
  return null;
}

const verdict = (check: string, denial: Denial | null): CheckVerdict => ({ check, passed: denial === null, denial });

/**
 * The second half of a decision that needed the broker: the reads it named, inside the runtime's
 * brokerWait (signals queued behind it are answered meanwhile), then the checks again on facts
 * gathered after them (nothing read from the broker any more: what is still missing is unknown).
 */
export async function evaluateAfterBrokerRead(rt: PipelineRuntime, signal: SignalInput, needs: BrokerNeeds): Promise<Evaluation> {
  const warmed = await rt.brokerWait(() => warmBrokerFacts(rt.deps, rt.account, signal, needs));
  return evaluateSignal(rt.deps, rt.account, signal, { facts: { broker: 'never', warmedPrice: warmed.price } });
}
