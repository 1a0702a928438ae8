/**
 * What a complainant's phone downloads to see the form. The pages are laid out by the NL Design
 * System's style sheets (the Utrecht components, 407 KB, and their design tokens, 188 KB), sent
 * as plain text on every visit after an hour: about 600 KB before the form showed, a lot on a
 * prepaid phone plan or a weak connection (PEOPLE.md: complainants are often vulnerable people
 * on their phones). Judged from outside: Chromium's own count of the bytes it received for the
 * page and everything it loaded, and Node's zlib for what the bytes are; the local runtime
 * (@hono/node-server) here, the Lambda bundle's answer through API Gateway in bundles.test.ts.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useChromium } from './support/browser.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

const require = createRequire(import.meta.url);
const UTRECHT = readFileSync(require.resolve('@utrecht/component-library-css/dist/index.css'), 'utf8');

let rt: TestRuntime;
const browser = useChromium();
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn');
});
afterAll(async () => {
  await rt?.stop();
});

/** A GET as a client sends it, the body as the bytes that came over the wire (no fetch: it decodes). */
function get(path: string, headers: Record<string, string> = {}) {
  const { port } = new URL(rt.url);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; bytes: Buffer }>(
    (resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'GET', path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('the style sheets over the wire', () => {
  it('are sent compressed to a client that accepts gzip, and are the same sheet unpacked', async () => {
    const r = await get('/assets/utrecht.css', { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(r.status).toBe(200);
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(String(r.headers.vary)).toMatch(/accept-encoding/i);
    expect(r.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(gunzipSync(r.bytes).toString('utf8')).toBe(UTRECHT);
    expect(r.bytes.length).toBeLessThan(UTRECHT.length / 8);
  });

  it('are sent plain to a client that does not accept gzip, or refuses it with q=0', async () => {
    for (const headers of [{}, { 'accept-encoding': 'gzip;q=0, identity' }, { 'accept-encoding': 'br;q=0' }] as Record<
      string,
      string
    >[]) {
      const r = await get('/assets/utrecht.css', headers);
      expect(r.status).toBe(200);
      expect(r.headers['content-encoding'], JSON.stringify(headers)).toBeUndefined();
      expect(r.bytes.toString('utf8')).toBe(UTRECHT);
    }
  });

  it('are not sent again to a client that has them (ETag, 304 without a body)', async () => {
    const first = await get('/assets/tokens.css', { 'accept-encoding': 'gzip' });
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[^"]+"$/);
    const again = await get('/assets/tokens.css', { 'accept-encoding': 'gzip', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.bytes.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    // Another sheet's tag is not this one's.
    const other = await get('/assets/utrecht.css', { 'if-none-match': etag });
    expect(other.status).toBe(200);
    // The plain text is another representation, with a tag of its own (RFC 9110 §8.8.3).
    const plain = await get('/assets/tokens.css', { 'if-none-match': etag });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.etag).not.toBe(etag);
    const plainAgain = await get('/assets/tokens.css', { 'if-none-match': String(plain.headers.etag) });
    expect(plainAgain.status).toBe(304);
  });
});

describe('the complaint form on a phone', () => {
  it('costs the phone less than 120 KB, the page and every sheet it loads, as Chromium counts them', async () => {
    const context = await browser().newContext({ viewport: { width: 390, height: 844 } });
    try {
      const page = await context.newPage();
      await page.goto(`${rt.url}/klacht-indienen`);
      await page.waitForLoadState('load');
      // The browser's own count (Resource Timing's transferSize: headers and body as received).
      const loaded = (await page.evaluate(`[
        ...performance.getEntriesByType('navigation'),
        ...performance.getEntriesByType('resource'),
      ].map((e) => ({ name: e.name, transfer: e.transferSize }))`)) as { name: string; transfer: number }[];
      const total = loaded.reduce((s, e) => s + e.transfer, 0);
      // The three sheets and the page were all loaded, and counted (transferSize 0 would be a cache).
      expect(loaded.map((e) => new URL(e.name).pathname).sort()).toEqual(
        expect.arrayContaining([
          '/assets/klachtflow.css',
          '/assets/tokens.css',
          '/assets/utrecht.css',
          '/klacht-indienen',
        ]),
      );
      for (const e of loaded) expect(e.transfer, e.name).toBeGreaterThan(0);
      expect(total, JSON.stringify(loaded)).toBeLessThan(120_000);
    } finally {
      await context.close();
    }
  });
});
