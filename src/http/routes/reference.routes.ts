/**
 * GET /api/openapi.json (the OpenAPI 3.1 document) and GET /docs (a reference page rendering it),
 * both without the token: they describe the API and expose no data. The page and its two assets
 * are files beside the document builder, served by Keel itself, so the page works with no internet.
 */
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { ApiError } from '../errors.js';
import { openApiDocument } from '../openapi/openapi-document.js';

const ASSETS: Record<string, string> = {
  'docs.js': 'text/javascript; charset=utf-8',
  'docs.css': 'text/css; charset=utf-8',
};

const cache = new Map<string, string>();

function pageFile(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`../openapi/docs-page/${name}`, import.meta.url), 'utf8');
    cache.set(name, text);
  }
  return text;
}

export function referenceRoutes(): Hono {
  const routes = new Hono();
  routes.get('/api/openapi.json', (c) => c.json(openApiDocument()));
  routes.get('/docs', (c) => c.html(pageFile('index.html')));
  routes.get('/docs/:asset', (c) => {
    const asset = c.req.param('asset');
    const type = Object.hasOwn(ASSETS, asset) ? ASSETS[asset] : undefined;
    if (type === undefined) throw new ApiError(404, 'NOT_FOUND', 'no such asset');
    return c.body(pageFile(asset), 200, { 'content-type': type });
  });
  return routes;
}
