import type { Hono } from 'hono';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { API_OPERATIONS } from '../../src/http/openapi/api-operations.js';
import { buildOpenApiDocument, openApiPath } from '../../src/http/openapi/openapi-document.js';
import { schemaErrors, useApiContract } from '../support/api-contract.js';
import { FakeBotControl } from '../support/fake-bot-control.js';
import { FakePipelineControl } from '../support/fake-pipeline-control.js';

const TOKEN = 'test-token-0123456789abcdef';

type Doc = { paths: Record<string, Record<string, OperationDoc>>; components: { schemas: Record<string, unknown> } };
type MediaDoc = { schema?: unknown; example?: unknown };
type OperationDoc = { requestBody?: { content: Record<string, MediaDoc> }; responses: Record<string, { content?: Record<string, MediaDoc> }> };

const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** every route the app registered (middleware, registered as ALL, is not a route) missing from the document */
function undocumentedRoutes(app: Hono, doc: Doc): string[] {
  const routes = app.routes.filter((r) => HTTP_METHODS.has(r.method)).map((r) => `${r.method} ${openApiPath(r.path)}`);
  return [...new Set(routes)].filter((route) => {
    const [method, path] = route.split(' ') as [string, string];
    return doc.paths[path]?.[method.toLowerCase()] === undefined;
  });
}

/** every operation of the document the app does not serve (a description left behind) */
function describedButAbsent(app: Hono, doc: Doc): string[] {
  const served = new Set(app.routes.map((r) => `${r.method} ${openApiPath(r.path)}`));
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`).filter((route) => !served.has(route)));
}

const escape = (part: string) => part.replaceAll('~', '~0').replaceAll('/', '~1');

describe('the OpenAPI document and the reference page', () => {
  const contract = useApiContract();
  let app: Hono;
  const doc = buildOpenApiDocument() as unknown as Doc;

  beforeEach(() => {
    app = contract.check(createApp({
      control: new FakeBotControl(), pipeline: new FakePipelineControl(), apiToken: TOKEN, logError: () => {},
      metrics: { contentType: 'text/plain; version=0.0.4', scrape: async () => 'keel_up 1\n' },
    }));
  });

  it('describes every route the app serves, and nothing it does not', () => {
    expect(undocumentedRoutes(app, doc), 'routes of createApp missing from src/http/openapi/api-operations.ts').toEqual([]);
    expect(describedButAbsent(app, doc), 'described in src/http/openapi/api-operations.ts but not served').toEqual([]);
  });

  it('names a route added to the app without a description', () => {
    app.get('/api/undescribed', (c) => c.json({}));
    app.put('/api/bot/status', (c) => c.json({}));
    expect(undocumentedRoutes(app, doc)).toEqual(['GET /api/undescribed', 'PUT /api/bot/status']);
  });

  it('serves the document at /api/openapi.json without the token', async () => {
    const res = await app.request('/api/openapi.json');
    expect(res.status).toBe(200);
    const served = await res.json();
    expect(served).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(served.openapi).toBe('3.1.0');
    expect(served.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    // the token-guarded routes say so; the public ones opt out
    expect(served.paths['/api/bot/status'].get.security).toBeUndefined();
    expect(served.security).toEqual([{ bearer: [] }]);
    expect(served.paths['/healthz'].get.security).toEqual([]);
  });

  it('still guards every other /api route with the token', async () => {
    expect((await app.request('/api/openapi.json/x')).status).toBe(401);
    expect((await app.request('/api/bot/status')).status).toBe(401);
  });

  it('has examples that validate against their own schemas, and request examples the routes accept', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const base = `/paths/${escape(path)}/${method}`;
        const media = [
          ...Object.entries(op.requestBody?.content ?? {}).map(([type, m]) => [`${base}/requestBody/content/${escape(type)}`, m] as const),
          ...Object.entries(op.responses).flatMap(([status, answer]) =>
            Object.entries(answer.content ?? {}).map(([type, m]) => [`${base}/responses/${status}/content/${escape(type)}`, m] as const)),
        ];
        for (const [pointer, m] of media) {
          if (m.schema === undefined || m.example === undefined) continue;
          checked++;
          problems.push(...schemaErrors(`${pointer}/schema`, m.example).map((e) => `${method.toUpperCase()} ${path} ${pointer}: ${e}`));
        }
      }
    }
    for (const op of API_OPERATIONS) {
      if (!op.body) continue;
      const parsed = op.body.schema.safeParse(op.body.example);
      if (!parsed.success) problems.push(`${op.method.toUpperCase()} ${op.path}: the route refuses its example: ${parsed.error.message}`);
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(30);
  });

  it('resolves every schema reference', () => {
    for (const name of Object.keys(doc.components.schemas)) {
      expect(() => schemaErrors(`/components/schemas/${escape(name)}`, null), name).not.toThrow();
    }
  });

  it('serves /docs without the token, every asset from Keel itself and none from elsewhere', async () => {
    const page = await app.request('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    const pending = [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/g)].map((m) => m[1]!);
    expect(pending).toEqual(expect.arrayContaining(['/docs/docs.js', '/docs/docs.css']));
    const seen = new Set<string>();
    while (pending.length > 0) {
      const ref = pending.shift()!;
      if (seen.has(ref) || ref.startsWith('#')) continue;
      seen.add(ref);
      // on-host: a path on this server, never a scheme or a protocol-relative //host
      expect(ref, `${ref} points off-host`).toMatch(/^\/(?!\/)/);
      const res = await app.request(ref);
      expect(res.status, ref).toBe(200);
      const text = await res.text();
      const type = res.headers.get('content-type') ?? '';
      if (type.includes('text/css')) pending.push(...[...text.matchAll(/url\(\s*["']?([^"')]+)/g)].map((m) => m[1]!).filter((u) => !u.startsWith('data:')));
      if (type.includes('javascript')) {
        expect(text, `${ref} names another host`).not.toMatch(/\b[a-z][a-z0-9+.-]*:\/\/|["'`]\/\//i);
        pending.push(...[...text.matchAll(/fetch\(\s*["'`]([^"'`]+)/g)].map((m) => m[1]!));
      }
    }
    expect([...seen]).toEqual(expect.arrayContaining(['/docs/docs.js', '/docs/docs.css', '/api/openapi.json']));
  });

  it('answers 404 in the error shape for an asset it does not have', async () => {
    const res = await app.request('/docs/secrets.env');
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('NOT_FOUND');
  });
});
