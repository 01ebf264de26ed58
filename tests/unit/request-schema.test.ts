/**
 * Our wire JSON checked against Alpaca's official OpenAPI 3.0 spec (shared/alpaca/openapi).
 * This keeps the adapter's requests and the simulated exchange's responses honest.
 * The whole spec is registered with Ajv, so `$ref`s into components resolve as written; Ajv
 * understands OpenAPI's `nullable: true`; strict:false because the spec carries OpenAPI-only
 * keywords (example, x-examples, deprecated, format: decimal).
 */
import { describe, expect, it } from 'vitest';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import {
  accountToWire, calendarDayToWire, clockToWire, fillActivityToWire, orderToWire, positionToWire, toOrderRequestBody,
} from '../../src/adapters/alpaca/serialize.js';
import { dec } from '../../src/domain/money.js';
import type { OrderRequest } from '../../src/domain/order.js';
import { loadOpenApi } from '../support/shared-dir.js';
import {
  aBracketOrder, aCalendarDay, aClock, aFill, aPosition, anAccount, anOrder, anOrderRequest,
} from '../support/alpaca-builders.js';

// ajv-formats is CommonJS: under NodeNext the default import is module.exports, whose `default` is the plugin
const addFormats = addFormatsImport.default;

const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
addFormats(ajv);
ajv.addSchema(loadOpenApi('trading-api.json'), 'trading');

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
const jsonBody = (path: string, method: string, where: string[]) =>
  `trading#/${pointer('paths', path, method, ...where, 'content', 'application/json', 'schema')}`;

function validator(ref: string): ValidateFunction {
  const validate = ajv.getSchema(ref);
  if (!validate) throw new Error(`no schema at ${ref}`);
  return validate;
}

/** the validation errors as short strings, [] when valid */
function errorsOf(validate: ValidateFunction, value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
}

const postOrderBody = validator(jsonBody('/v2/orders', 'post', ['requestBody']));
const response = (path: string) => validator(jsonBody(path, 'get', ['responses', '200']));

describe('toOrderRequestBody conforms to POST /v2/orders requestBody', () => {
  const cases: Array<[string, Partial<OrderRequest>]> = [
    ['market qty', {}],
    ['notional market day', { qty: undefined, notional: dec('500.75') }],
    ['limit with extended hours', { type: 'limit', limitPrice: dec('150.25'), extendedHours: true }],
    ['stop', { side: 'sell', type: 'stop', timeInForce: 'gtc', stopPrice: dec('95.5') }],
    ['stop_limit', { side: 'sell', type: 'stop_limit', stopPrice: dec('95.5'), limitPrice: dec('95') }],
    ['trailing_stop by percent', { side: 'sell', type: 'trailing_stop', trailPercent: dec('2.5') }],
    ['trailing_stop by price', { side: 'sell', type: 'trailing_stop', trailPrice: dec('6.15') }],
    ['bracket', {
      type: 'limit', timeInForce: 'gtc', limitPrice: dec('300'), orderClass: 'bracket',
      takeProfit: { limitPrice: dec('310') }, stopLoss: { stopPrice: dec('295'), limitPrice: dec('294.5') },
    }],
  ];

  it.each(cases)('for a %s order', (_name, overrides) => {
    expect(errorsOf(postOrderBody, toOrderRequestBody(anOrderRequest(overrides)))).toEqual([]);
  });

  it('catches a bad body (side "hold", numeric qty, null symbol)', () => {
    const body = { ...toOrderRequestBody(anOrderRequest()), side: 'hold', qty: 10, symbol: null };
    expect(errorsOf(postOrderBody, body)).toEqual([
      '/qty must be string', '/side must be equal to one of the allowed values', '/symbol must be string',
    ]);
  });

  it('catches a body without the required type and time_in_force', () => {
    const { type: _t, time_in_force: _tif, ...body } = toOrderRequestBody(anOrderRequest());
    expect(errorsOf(postOrderBody, body)).toHaveLength(2);
  });
});

describe('serializer outputs conform to the 200 response schemas', () => {
  it('orderToWire: a simple order and a bracket with nested legs (POST /v2/orders)', () => {
    const order = validator(jsonBody('/v2/orders', 'post', ['responses', '200']));
    expect(errorsOf(order, orderToWire(anOrder()))).toEqual([]);
    expect(errorsOf(order, orderToWire(anOrder({ qty: null, notional: dec('500'), positionIntent: null })))).toEqual([]);
    expect(errorsOf(order, orderToWire(aBracketOrder()))).toEqual([]);
  });

  it('orderToWire output is also a valid GET /v2/orders list element', () => {
    expect(errorsOf(response('/v2/orders'), [orderToWire(anOrder()), orderToWire(aBracketOrder())])).toEqual([]);
  });

  /**
   * Position requires asset_marginable, unrealized_intraday_pl and unrealized_intraday_plpc,
   * which the domain Position does not model: the serializer does not invent them. These three
   * "required" misses are the ONLY deviations allowed; anything else fails.
   */
  it('positionToWire (GET /v2/positions), except the three fields the domain does not model', () => {
    const errors = errorsOf(response('/v2/positions'), [positionToWire(aPosition())]);
    expect(errors.sort()).toEqual([
      "/0 must have required property 'asset_marginable'",
      "/0 must have required property 'unrealized_intraday_pl'",
      "/0 must have required property 'unrealized_intraday_plpc'",
    ]);
  });

  it('accountToWire (GET /v2/account)', () => {
    expect(errorsOf(response('/v2/account'), accountToWire(anAccount()))).toEqual([]);
  });

  it('clockToWire (GET /v2/clock)', () => {
    expect(errorsOf(response('/v2/clock'), clockToWire(aClock()))).toEqual([]);
  });

  it('calendarDayToWire (GET /v2/calendar)', () => {
    expect(errorsOf(response('/v2/calendar'), [calendarDayToWire(aCalendarDay())])).toEqual([]);
  });

  /**
   * GET /v2/account/activities/{activity_type} is a oneOf TradingActivities | NonTradeActivities
   * whose branches have no required fields, so a FILL can match both and fail the oneOf: the
   * FILL item is checked against TradingActivities, the branch the spec says FILL uses.
   */
  it('fillActivityToWire (TradingActivities)', () => {
    const fill = validator('trading#/components/schemas/TradingActivities');
    expect(errorsOf(fill, fillActivityToWire(aFill()))).toEqual([]);
    expect(errorsOf(fill, { ...fillActivityToWire(aFill()), type: 'fills' })).toHaveLength(1);
  });
});
