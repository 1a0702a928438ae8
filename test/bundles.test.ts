/**
 * Real bundles (#7, #9): every Lambda entry the stack declares (lib/handlers.ts HANDLERS) is
 * bundled with esbuild exactly as NodejsFunction does it, must build without errors, and must
 * load in a fresh Node process that has only the AWS SDK (as the Lambda runtime) and export a
 * `handler`. The API bundle also answers a request, and a task bundle parses an event.
 */
import { describe, expect, it } from 'vitest';
import { HANDLERS, type HandlerName } from '../lib/handlers.js';
import { type Bundle, bundleHandler, loadBundle } from './support/bundles.js';

const names = Object.keys(HANDLERS) as HandlerName[];

/** An API Gateway (payload 2.0) GET, as the gateway sends it. */
const get = (path: string) => ({
  version: '2.0',
  routeKey: `GET ${path}`,
  rawPath: path,
  rawQueryString: '',
  headers: { host: 'abc.execute-api.eu-west-1.amazonaws.com' },
  requestContext: {
    http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
    requestId: 'r1',
    routeKey: `GET ${path}`,
    stage: '$default',
    domainName: 'abc.execute-api.eu-west-1.amazonaws.com',
  },
  isBase64Encoded: false,
});

describe('bundles: every Lambda entry', () => {
  const bundles = new Map<HandlerName, Bundle>();

  it.each(names)(
    '%s bundles as NodejsFunction does, without errors, the AWS SDK left out',
    async (name) => {
      const bundle = await bundleHandler(name);
      bundles.set(name, bundle);
      expect(bundle.bytes).toBeGreaterThan(10_000);
      // The SDK is the runtime's: imported, not bundled.
      const text = (await import('node:fs')).readFileSync(bundle.file, 'utf8');
      expect(text).toMatch(/from\s*"@aws-sdk\/client-dynamodb"/);
      expect(text).not.toContain('DynamoDB_20120810');
    },
    120_000,
  );

  it.each(names)(
    '%s loads in a fresh process with only the AWS SDK, and exports handler',
    async (name) => {
      const bundle = bundles.get(name) ?? (await bundleHandler(name));
      const r = await loadBundle(bundle);
      expect(r.handler).toBe('function');
      expect(r.loadMs).toBeGreaterThan(0);
    },
    60_000,
  );

  it('the API bundle answers: the OpenAPI document, the complaint form and its style sheets', async () => {
    const bundle = bundles.get('api') ?? (await bundleHandler('api'));
    for (const [path, expected] of [
      ['/openapi.json', '"openapi":"3.1.0"'],
      ['/klacht-indienen', '<form'],
      ['/assets/utrecht.css', '.utrecht-'],
    ] as const) {
      const r = (await loadBundle(bundle, get(path))).probe as { statusCode: number; body: string };
      expect(r.statusCode, path).toBe(200);
      expect(r.body, path).toContain(expected);
    }
  }, 60_000);

  it('the API bundle sends the style sheets gzipped through API Gateway (base64) to a browser that accepts it', async () => {
    const bundle = bundles.get('api') ?? (await bundleHandler('api'));
    const event = get('/assets/utrecht.css');
    const accepting = { ...event, headers: { ...event.headers, 'accept-encoding': 'gzip, deflate, br' } };
    const r = (await loadBundle(bundle, accepting)).probe as {
      statusCode: number;
      body: string;
      isBase64Encoded: boolean;
      headers: Record<string, string>;
    };
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-encoding']).toBe('gzip');
    // A compressed body as text would reach the browser garbled: API Gateway decodes base64.
    expect(r.isBase64Encoded).toBe(true);
    const { gunzipSync } = await import('node:zlib');
    const { readFileSync } = await import('node:fs');
    const { createRequire } = await import('node:module');
    const sheet = readFileSync(
      createRequire(import.meta.url).resolve('@utrecht/component-library-css/dist/index.css'),
      'utf8',
    );
    expect(gunzipSync(Buffer.from(r.body, 'base64')).toString('utf8')).toBe(sheet);
  }, 60_000);

  it('a task bundle parses its event with the bundled zod (mini) and refuses a bad one', async () => {
    const bundle = bundles.get('beginStep') ?? (await bundleHandler('beginStep'));
    const r = (await loadBundle(bundle, { dossierId: 'x', step: 7 })).probe as { error: string };
    expect(r.error).toBe('$ZodError');
  }, 60_000);

  // Small functions (#19). Before: API 3 707 KiB (Graphviz WebAssembly 41 %, code pages, zod with
  // its locales, the MIME parser), each task 869 KiB (zod 443 KiB, yaml 112 KiB, X-Ray SDK); then
  // tasks 331 KiB and the API 2 104 KiB. The issue asks for tasks <= 250 KiB and the API <= 1 MiB.
  // Reached: tasks 218 KiB (the X-Ray SDK with semver and cls-hooked, 104 KiB, replaced by
  // lambdas/xray.ts), the API 892 KiB (the MIME parser with iconv-lite's code pages, ~1 MiB, only
  // in the function that receives mail: held mail is read when it comes in). Within the hour the
  // session's other work brought them to 241 and 928 KiB (every task bundle carries the whole
  // procedure), so the limits are the issue's own: 250 KiB and 1 MiB.
  const KIB = 1024;
  it.each(names)(
    '%s: within its size, and without what it no longer carries',
    async (name) => {
      const bundle = bundles.get(name) ?? (await bundleHandler(name));
      const text = (await import('node:fs')).readFileSync(bundle.file, 'utf8');
      // No Graphviz anywhere: the ladder is drawn at compile time (statemachines/<id>.ladder.svg).
      expect(text).not.toContain('@viz-js');
      // No X-Ray SDK (an environment variable only it reads): subsegments come from lambdas/xray.ts.
      expect(text).not.toContain('AWS_XRAY_CONTEXT_MISSING');
      // No MIME parser and no code pages: only the function that receives mail reads MIME.
      expect(text).not.toContain('skipHtmlToText');
      expect(text).not.toContain('windows1252');
      if (name === 'api') {
        expect(bundle.bytes).toBeLessThanOrEqual(1024 * KIB);
        return;
      }
      expect(bundle.bytes).toBeLessThanOrEqual(250 * KIB);
      // No YAML parser and no model schema with zod's locales: the regulation is JSON validated at synth.
      expect(text).not.toContain('Implicit keys need to be on a single line');
      expect(text).not.toContain('Ongeldige invoer');
    },
    120_000,
  );
});
