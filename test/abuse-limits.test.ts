/**
 * What a script can make the organisation do (issue 14): mail any address by filing complaints
 * with it, try the lost-link form to learn from the answer's timing whether details matched, and
 * escape the per-caller limit behind the proxy the README suggests (or fill it for everyone).
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

/** A request as a proxy in front of the runtime sends it: from 127.0.0.1, with X-Forwarded-For. */
function via(
  rt: TestRuntime,
  method: string,
  path: string,
  forwardedFor: string | undefined,
  body: unknown,
): Promise<{ status: number; json: any }> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: new URL(rt.url).port,
        method,
        path,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(data),
          ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {}
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

describe('abuse: the lost-link answer does not wait for the work', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00');
  });
  afterAll(async () => rt?.stop());

  it('answers 202 before anything is looked up or sent; the link follows', async () => {
    const k = (await rt.call('POST', '/complaints', { body: SANNE })).json;
    const links = async () => (await rt.mail()).filter((m) => m.subject.includes('nieuwe link')).length;
    const before = await links();
    rt.background.hold();
    try {
      for (const [reference, email] of [
        [k.reference, SANNE.complainant.email],
        [k.reference, 'iemand-anders@example.nl'],
        ['KL-2026-9999', SANNE.complainant.email],
      ] as const) {
        const r = await rt.call('POST', '/complaints/link', { body: { reference, email } });
        expect(r.status).toBe(202);
      }
      // All three answered while their work waited: the answer cannot tell them apart by time.
      expect(rt.background.pending()).toBe(3);
    } finally {
      rt.background.release();
    }
    await rt.background.idle();
    expect(await links()).toBe(before + 1);
  });
});

describe('abuse: limits per caller behind a trusted proxy, and per address', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await testRuntime('ons-welzijn', '2026-09-03T09:00:00+02:00', undefined, {
      trustProxy: ['127.0.0.1'],
      limits: {
        complaintsPerCaller: { count: 3, seconds: 3600 },
        complaintsPerAddress: { count: 2, seconds: 86_400 },
      },
    });
  });
  afterAll(async () => rt?.stop());

  const ask = (from: string, i: number) =>
    via(rt, 'POST', '/complaints/link', from, { reference: `KL-2026-8${String(i).padStart(3, '0')}`, email: 'a@b.nl' });

  it('the lost-link limit holds per caller behind the proxy: one caller is stopped, the next is not', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await ask('203.0.113.7', i)).status);
    expect(statuses.slice(0, 20).every((s) => s === 202)).toBe(true);
    expect(statuses[20]).toBe(429);
    // Another person behind the same proxy is not stopped by the first one.
    expect((await ask('203.0.113.8', 0)).status).toBe(202);
    // Writing another X-Forwarded-For before the proxy's does not help: the proxy's entry counts.
    expect((await ask('198.51.100.1, 203.0.113.7', 1)).status).toBe(429);
  });

  it('complaints: at most the limit per e-mail address; the rest is refused with 429 and nothing sent', async () => {
    const to = (email: string, from: string) =>
      via(rt, 'POST', '/complaints', from, { ...SANNE, complainant: { ...SANNE.complainant, email } });
    const mailsTo = async (email: string) => (await rt.mail()).filter((m) => m.to.includes(email)).length;
    expect((await to('doelwit@example.nl', '203.0.113.20')).status).toBe(201);
    expect((await to('doelwit@example.nl', '203.0.113.21')).status).toBe(201);
    await rt.advance('PT0S');
    const sent = await mailsTo('doelwit@example.nl');
    const third = await to('doelwit@example.nl', '203.0.113.22');
    expect(third.status).toBe(429);
    expect(third.json.error.message).toMatch(/e-mailadres/);
    expect(third.json.error.issues[0].path).toBe('complainant.email');
    await rt.advance('PT0S');
    expect(await mailsTo('doelwit@example.nl')).toBe(sent);
    // Another address is fine; a day later the first one is too.
    expect((await to('ander@example.nl', '203.0.113.23')).status).toBe(201);
    await rt.advance('P1D');
    expect((await to('doelwit@example.nl', '203.0.113.24')).status).toBe(201);
  });

  it('complaints: at most the limit per caller; a repeated Idempotency-Key is not counted again', async () => {
    await rt.advance('PT1H');
    const from = '203.0.113.30';
    const file = (i: number, key?: string) =>
      new Promise<{ status: number; json: any }>((resolve, reject) => {
        const data = JSON.stringify({ ...SANNE, complainant: { ...SANNE.complainant, email: `k${i}@example.nl` } });
        const req = request(
          {
            host: '127.0.0.1',
            port: new URL(rt.url).port,
            method: 'POST',
            path: '/complaints',
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(data),
              'x-forwarded-for': from,
              ...(key ? { 'idempotency-key': key } : {}),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) }),
            );
          },
        );
        req.on('error', reject);
        req.end(data);
      });
    const first = await file(0, 'dezelfde');
    expect(first.status).toBe(201);
    expect((await file(0, 'dezelfde')).json.id).toBe(first.json.id);
    expect((await file(1)).status).toBe(201);
    expect((await file(2)).status).toBe(201);
    const fourth = await file(3);
    expect(fourth.status).toBe(429);
    expect(fourth.json.error.message).toMatch(/vanaf dit adres/);
    // Someone else behind the same proxy still can.
    expect((await via(rt, 'POST', '/complaints', '203.0.113.31', SANNE)).status).toBe(201);
  });
});
