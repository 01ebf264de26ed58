/**
 * What one route of the control API says about itself in the OpenAPI document. An entry names the
 * zod schemas the route validates with and answers in, so the document cannot drift from them;
 * the builder (openapi-document.ts) adds the answers every route shares (400, 401, 413, 500).
 */
import type { z } from 'zod';
import { errorSchema } from './response.schemas.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface Answer {
  description: string;
  /** a JSON answer's schema; absent for a non-JSON answer (mediaType says which) */
  schema?: z.ZodType;
  example?: unknown;
  /** default application/json; null = no body (204) */
  mediaType?: string | null;
}

export interface ApiOperation {
  method: HttpMethod;
  /** as Hono registers it, path parameters as `:name` */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** readable without the bearer token */
  public?: true;
  /** `:name` → what it is */
  params?: Record<string, string>;
  /** a strict query-string schema: each field is one optional parameter */
  query?: z.ZodObject;
  body?: { schema: z.ZodType; example: unknown; optional?: true };
  /** refused with 409 ANOTHER_INSTANCE_ACTIVE while another Keel instance holds the writer lease */
  writerOnly?: true;
  responses: Record<number, Answer>;
}

/** an error answer: the one error shape, with the code this status carries */
export function refused(code: string, message: string, description: string): Answer {
  return { description, schema: errorSchema, example: { error: { code, message } } };
}
