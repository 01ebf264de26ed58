/**
 * Holds Keel's answers to its own OpenAPI document (GET /api/openapi.json's content): wrap an app
 * with `contract.check(createApp(...))` and every response its `request()` returns is checked
 * against the document's answer for that route and status. Violations are collected, and the test
 * fails at its end (afterEach) listing them: an undocumented status, a JSON body the schema
 * refuses, a non-JSON body where JSON is documented. An answer from a path the document does not
 * describe (404 for an unknown route, 401 before routing) must be the one error shape.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { Hono } from 'hono';
import { afterEach, expect } from 'vitest';
import { buildOpenApiDocument } from '../../src/http/openapi/openapi-document.js';

type JsonObject = Record<string, unknown>;
interface Media { schema?: JsonObject }
interface Operation { responses: Record<string, { content?: Record<string, Media> }> }

const DOCUMENT = buildOpenApiDocument() as { paths: Record<string, Record<string, Operation>> };

/** path templates, the ones with fewer parameters first so /api/signals/evaluate beats /api/signals/{id} */
const TEMPLATES = Object.keys(DOCUMENT.paths)
  .map((template) => ({ template, pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`), params: (template.match(/\{/g) ?? []).length }))
  .sort((a, b) => a.params - b.params);

let ajv: Ajv2020 | null = null;
const compiled = new Map<string, ValidateFunction>();

/** the validator of the schema at a JSON pointer into the document */
function validatorAt(pointer: string): ValidateFunction {
  if (ajv === null) {
    ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
    ajv.addSchema(DOCUMENT, 'keel');
  }
  let validate = compiled.get(pointer);
  if (!validate) {
    validate = ajv.getSchema(`keel#${pointer}`);
    if (!validate) throw new Error(`no schema at ${pointer}`);
    compiled.set(pointer, validate);
  }
  return validate;
}

const escape = (part: string) => part.replaceAll('~', '~0').replaceAll('/', '~1');

export function schemaErrors(pointer: string, value: unknown): string[] {
  const validate = validatorAt(pointer);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

function operationOf(method: string, path: string): { template: string; operation: Operation } | null {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  for (const { template, pattern } of TEMPLATES) {
    const operation = DOCUMENT.paths[template]?.[method];
    if (operation && pattern.test(trimmed)) return { template, operation };
  }
  return null;
}

/** what is wrong with one response, [] when the document describes it */
export async function contractViolations(method: string, path: string, response: Response): Promise<string[]> {
  const where = `${method.toUpperCase()} ${path} → ${response.status}`;
  const isJson = (response.headers.get('content-type') ?? '').includes('application/json');
  const body = isJson ? await response.clone().json() : undefined;
  const found = operationOf(method.toLowerCase(), path);
  if (!found) {
    if (!isJson) return [`${where}: an undocumented route answered without JSON`];
    return schemaErrors('/components/schemas/Error', body).map((e) => `${where} (undocumented route, must be the error shape): ${e}`);
  }
  const answer = found.operation.responses[String(response.status)];
  if (!answer) return [`${where}: status ${response.status} is not documented for ${method.toUpperCase()} ${found.template}`];
  const json = answer.content?.['application/json'];
  if (!json) return [];
  if (!isJson) return [`${where}: documented as JSON, answered ${response.headers.get('content-type') ?? 'without a content type'}`];
  const pointer = `/paths/${escape(found.template)}/${method.toLowerCase()}/responses/${response.status}/content/application~1json/schema`;
  return schemaErrors(pointer, body).map((e) => `${where}: ${e}`);
}

export interface ApiContract {
  /** the same app, its request() checking every response */
  check<A extends Hono>(app: A): A;
}

/** call inside a describe (or at the top of a test file): checks every wrapped app's responses after each test */
export function useApiContract(): ApiContract {
  const violations: string[] = [];
  afterEach(() => {
    const found = violations.splice(0);
    expect(found, 'responses that do not match the OpenAPI document').toEqual([]);
  });
  return {
    check(app) {
      const request = app.request;
      const checked: typeof app.request = async (input, init, env, ctx) => {
        const response = await request(input, init, env, ctx);
        const url = input instanceof Request ? new URL(input.url) : new URL(String(input), 'http://localhost');
        const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
        violations.push(...(await contractViolations(method, url.pathname, response)));
        return response;
      };
      app.request = checked;
      return app;
    },
  };
}
