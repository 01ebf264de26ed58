/**
 * The dashboard's files: served with their content types, compressed, only from the allow-list,
 * and the whole first load (the page and every module it pulls in) within 300 KB transferred.
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { FakeBotControl } from '../support/fake-bot-control.js';
import { FakePipelineControl } from '../support/fake-pipeline-control.js';

const app = createApp({ control: new FakeBotControl(), pipeline: new FakePipelineControl(), apiToken: 'web-test-token-0123456789', logError: () => {} });
const get = (path: string) => app.request(path, { headers: { 'accept-encoding': 'gzip' } });

describe('the dashboard files', () => {
  it('serves the page at / without a token, as HTML, with a CSP that allows only its own scripts and the import map', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(await (await app.request('/')).text()).toContain('<script type="importmap">');
  });

  it('serves its modules and styles with their content types', async () => {
    expect((await get('/web/app.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('/web/style.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await get('/vendor/preact.mjs')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('serves nothing outside the allow-list, whatever the path says', async () => {
    for (const path of ['/vendor/../package.json', '/vendor/..%2F..%2Fpackage.json', '/vendor/pg.mjs', '/web/..%2Fhttp%2Fapp.ts', '/web/index.html', '/web/nope.js', '/node_modules/preact/package.json', '/src/web/app.js']) {
      const res = await get(path);
      expect([401, 404], path).toContain(res.status);
      expect(await res.text(), path).not.toContain('"dependencies"');
    }
  });

  it('keeps the first load (page, styles, every module it imports) within 300 KB transferred', async () => {
    const page = await (await app.request('/')).text();
    const importMap = JSON.parse(/<script type="importmap">([\s\S]*?)<\/script>/.exec(page)![1]!) as { imports: Record<string, string> };
    const queue = [...page.matchAll(/(?:href|src)="(\/[^"]+)"/g)].map((m) => m[1]!);
    const seen = new Set<string>();
    let bytes = (await (await get('/')).arrayBuffer()).byteLength;
    while (queue.length > 0) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const res = await get(path);
      expect(res.status, path).toBe(200);
      const body = await res.arrayBuffer();
      bytes += body.byteLength;
      if (!path.endsWith('.js') && !path.endsWith('.mjs')) continue;
      const source = new TextDecoder().decode(new Uint8Array(await (await app.request(path)).arrayBuffer()));
      for (const m of source.matchAll(/(?:import|export)\s*(?:[^'"]*?from\s*)?["']([^"']+)["']/g)) {
        const spec = m[1]!;
        queue.push(importMap.imports[spec] ?? new URL(spec, `http://x${path}`).pathname);
      }
    }
    expect(seen).toContain('/web/app.js');
    expect(seen).toContain('/vendor/signals-core.mjs');
    // the Performance view's charts are drawn as SVG by the page's own modules: no chart library
    expect(seen).toContain('/web/performance-charts.js');
    expect(bytes).toBeLessThan(300 * 1024);
  });
});
