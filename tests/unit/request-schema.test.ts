/**
 * Our wire JSON checked against Alpaca's official OpenAPI 3.0 spec (tests/fixtures/alpaca-openapi).
 * This keeps the adapter's requests and the simulated exchange's responses honest.
 * The whole spec is registered with Ajv, so `$ref`s into components resolve as written; Ajv
 * understands OpenAPI's `nullable: true`; strict:false because the spec carries OpenAPI-only
 * keywords (example, x-examples, deprecated, format: decimal).
 */
import { describe, expect, it } from 'vitest';
import {
  accountToWire, calendarDayToWire, clockToWire, fillActivityToWire, orderToWire, positionToWire, toOrderRequestBody, toReplaceRequestBody,
} from '../../src/adapters/alpaca/serialize.js';
import { dec } from '../../src/domain/money.js';
import type { OrderRequest } from '../../src/domain/order.js';
import { createOpenApiValidator, errorsOf } from '../support/openapi-validator.js';
import { loadFixture } from '../support/fixtures.js';
import {
  aBracketOrder, aCalendarDay, aClock, aFill, aPosition, anAccount, anOrder, anOrderRequest,
} from '../support/alpaca-builders.js';

const openapi = createOpenApiValidator();

const postOrderBody = openapi.requestBody('trading', '/v2/orders', 'post');
const response = (path: string) => openapi.response('trading', path);

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

describe('toReplaceRequestBody conforms to PATCH /v2/orders/{order_id} requestBody', () => {
  const patchOrderBody = openapi.requestBody('trading', '/v2/orders/{order_id}', 'patch');

  it('for a stop moved (and its quantity changed), sending only what changes, decimals as strings', () => {
    const body = toReplaceRequestBody({ clientOrderId: 'sig-1-e-s2', stopPrice: dec('97.35'), qty: dec('4') });
    expect(body).toEqual({ client_order_id: 'sig-1-e-s2', stop_price: '97.35', qty: '4' });
    expect(errorsOf(patchOrderBody, body)).toEqual([]);
    expect(errorsOf(patchOrderBody, toReplaceRequestBody({ clientOrderId: 'x', limitPrice: dec('155'), timeInForce: 'gtc' }))).toEqual([]);
  });

  it("Alpaca's own example body is valid, and its answer (a replacing order) matches the 200 schema", () => {
    expect(errorsOf(patchOrderBody, loadFixture('request-patch-order-equity.json'))).toEqual([]);
    const replaced = openapi.response('trading', '/v2/orders/{order_id}', 'patch');
    expect(errorsOf(replaced, orderToWire(anOrder({ replaces: '61e69015-8549-4bfd-b9c3-01e75843f47d' })))).toEqual([]);
  });
});

describe('serializer outputs conform to the 200 response schemas', () => {
  it('orderToWire: a simple order and a bracket with nested legs (POST /v2/orders)', () => {
    const order = openapi.response('trading', '/v2/orders', 'post');
    expect(errorsOf(order, orderToWire(anOrder()))).toEqual([]);
    expect(errorsOf(order, orderToWire(anOrder({ qty: null, notional: dec('500'), positionIntent: null })))).toEqual([]);
    expect(errorsOf(order, orderToWire(aBracketOrder()))).toEqual([]);
  });

  it('orderToWire output is also a valid GET /v2/orders list element', () => {
    expect(errorsOf(response('/v2/orders'), [orderToWire(anOrder()), orderToWire(aBracketOrder())])).toEqual([]);
  });

  it('positionToWire (GET /v2/positions)', () => {
    expect(errorsOf(response('/v2/positions'), [positionToWire(aPosition())])).toEqual([]);
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
    const fill = openapi.component('trading', 'TradingActivities');
    expect(errorsOf(fill, fillActivityToWire(aFill()))).toEqual([]);
    expect(errorsOf(fill, { ...fillActivityToWire(aFill()), type: 'fills' })).toHaveLength(1);
  });
});
