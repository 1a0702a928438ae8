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

  it('a task bundle parses its event with the bundled zod and refuses a bad one', async () => {
    const bundle = bundles.get('beginStep') ?? (await bundleHandler('beginStep'));
    const r = (await loadBundle(bundle, { dossierId: 'x', step: 7 })).probe as { error: string };
    expect(r.error).toBe('ZodError');
  }, 60_000);
});
