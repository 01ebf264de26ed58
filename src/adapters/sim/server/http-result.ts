/** Turns the core's SimResult values into Alpaca-shaped HTTP responses. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { SimErrorBody, SimResult } from '../exchange.types.js';
import type { SimEnv } from './sim-env.js';

export type SimContext = Context<SimEnv>;

export function sendError(c: SimContext, status: number, body: SimErrorBody | { message: string }): Response {
  return c.json(body, status as ContentfulStatusCode);
}

export function sendResult<T>(c: SimContext, result: SimResult<T>, toWire: (value: T) => unknown): Response {
  if (!result.ok) return sendError(c, result.status, result.body);
  return c.json(toWire(result.value) as object, 200);
}

/** 207 Multi-Status bodies of the bulk deletes */
export function sendMultiStatus(c: SimContext, elements: unknown[]): Response {
  return c.json(elements, 207);
}
