/**
 * The dashboard, served by Keel itself (no build step, no second server, nothing from the
 * internet): `/` is src/web/index.html, `/web/<file>` its own modules and styles, `/vendor/<file>`
 * the few ES modules it imports from node_modules (named in VENDOR below, nothing else: no request
 * path ever reaches the file system). Responses are compressed; the page's CSP allows scripts
 * from this origin and the one inline import map (by its hash) only.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';
import { compress } from 'hono/compress';
import { ApiError } from '../errors.js';

const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** the import map's targets: bare specifier → the package's ES module build */
const VENDOR: Record<string, () => string> = {
  'preact.mjs': () => esm('preact'),
  'hooks.mjs': () => esm('preact/hooks'),
  'htm.mjs': () => esm('htm'),
  'signals.mjs': () => esm('@preact/signals'),
  'signals-core.mjs': () => esm('@preact/signals-core', esm('@preact/signals')),
};

interface Asset {
  body: string;
  type: string;
}

export function webRoutes(): Hono {
  const routes = new Hono();
  const own = new Map<string, string>(readdirSync(WEB_DIR).filter((f) => TYPES[path.extname(f)] && f !== 'index.html').map((f) => [f, path.join(WEB_DIR, f)]));
  const cache = new Map<string, Asset>();
  const load = (file: string): Asset => {
    let asset = cache.get(file);
    if (!asset) {
      asset = { body: readFileSync(file, 'utf8'), type: TYPES[path.extname(file)] ?? 'application/octet-stream' };
      cache.set(file, asset);
    }
    return asset;
  };
  const send = (c: Context, asset: Asset, cacheControl: string) => {
    c.header('Content-Type', asset.type);
    c.header('Cache-Control', cacheControl);
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(asset.body);
  };
  routes.use('/', compress());
  routes.use('/web/*', compress());
  routes.use('/vendor/*', compress());

  routes.get('/', (c) => {
    const page = load(path.join(WEB_DIR, 'index.html'));
    c.header('Content-Security-Policy', contentSecurityPolicy(page.body));
    c.header('Referrer-Policy', 'no-referrer');
    return send(c, page, 'no-cache');
  });
  routes.get('/web/:file', (c) => {
    const file = own.get(c.req.param('file'));
    if (!file) throw new ApiError(404, 'NOT_FOUND', `no dashboard file ${c.req.param('file')}`);
    return send(c, load(file), 'no-cache');
  });
  routes.get('/vendor/:file', (c) => {
    const resolve = VENDOR[c.req.param('file')];
    if (!resolve) throw new ApiError(404, 'NOT_FOUND', `no dashboard library ${c.req.param('file')}`);
    return send(c, load(resolve()), 'no-cache');
  });
  return routes;
}

/** the ES module file of `specifier`, resolved from here (or from `from`, for a dependency's dependency) */
function esm(specifier: string, from = fileURLToPath(import.meta.url)): string {
  const resolved = createRequire(from).resolve(specifier);
  return resolved.endsWith('.mjs') ? resolved : resolved.replace(/\.c?js$/, '.mjs');
}

function contentSecurityPolicy(html: string): string {
  const inline = [...html.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1] ?? '', 'utf8').digest('base64')}'`,
  );
  return [
    "default-src 'self'",
    `script-src 'self' ${inline.join(' ')}`.trim(),
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}
