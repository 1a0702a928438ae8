/**
 * Test support: a local runtime in this process, on port 0 (the server reports the port it got:
 * a port picked free and listened on later can be taken in between), manual clock, fresh data folder.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { RequestLimits } from '../../lambdas/api.js';
import { type Runtime, type RuntimeOptions, startRuntime } from '../../runtime/runtime.js';

export interface TestRuntime extends Runtime {
  dataDir: string;
  call(
    method: string,
    path: string,
    opts?: { body?: unknown; token?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; json: any; text: string }>;
  advance(duration: string): Promise<void>;
  mail(): Promise<{ to: string[]; from: string; subject: string; text: string; sentAt: string }[]>;
}

/** Intake limits no test reaches by accident. */
export const NO_LIMITS: RequestLimits = {
  complaintsPerCaller: { count: 1_000_000, seconds: 1 },
  complaintsPerAddress: { count: 1_000_000, seconds: 1 },
};

export async function testRuntime(
  regulation: string,
  now = '2026-09-03T09:00:00+02:00',
  dataDir?: string,
  opts: Pick<
    RuntimeOptions,
    | 'smtpPort'
    | 'meter'
    | 'meterByFunction'
    | 'trustProxy'
    | 'limits'
    | 'durable'
    | 'store'
    | 'aws'
    | 'recentDossiers'
    | 'trustCommittedAsl'
    | 'retryIntervalMs'
    | 'pauseOnClash'
    | 'intakeQuietMs'
    | 'knownViews'
    | 'letters'
  > = {},
): Promise<TestRuntime> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), `kf-${regulation.replace(/[^a-z0-9-]/gi, '_').slice(-40)}-`));
  // Tests file many complaints from one address with one e-mail address: no intake limits unless
  // a test asks for them (test/abuse-limits.test.ts).
  const rt = await startRuntime({
    regulation,
    port: 0,
    dataDir: dir,
    clock: 'manual',
    now,
    limits: NO_LIMITS,
    // A preset's committed ASL is validated by test/compile.test.ts (asl-validator), and at every
    // start of `klachtflow start` in a child process (test/support/process.ts). Validated again in
    // each of the suite's in-process runtimes it cost 0.12 to 0.5 CPU s a start (asl-validator
    // builds its ajv schema anew each time), the same five files over and over (#19). A
    // regulation file of an organisation's own is validated as before.
    trustCommittedAsl: true,
    // A task that fails on purpose (a crash after a commit, a lost CreateSchedule) is retried as
    // its ASL says, without the real 3 + 6 + 12 s between the attempts while the manual clock
    // stands still: schedule-recovery and restart-clock-recovery waited 13 s each, at under 3 CPU s
    // (#19). test/stepfunctions.test.ts holds the attempts and the outcome to the real waits'.
    retryIntervalMs: 0,
    // Written as `npm start` writes them, but not flushed to the disk (fsync) before going on: a
    // flush guards against a power cut, which no test makes (a killed process's writes are in the
    // kernel's cache and survive it; the SIGKILL tests run `klachtflow start`, durable as ever).
    // The flushes of the clock, executions and schedules were a fifth of report-presets' and
    // properties' wall time on the shared disk, the core idle meanwhile (#19).
    durable: false,
    ...opts,
  });
  const call: TestRuntime['call'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(`${rt.url}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
    });
    const text = await r.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: r.status, json, text };
  };
  return {
    ...rt,
    dataDir: dir,
    call,
    advance: async (duration) => {
      const r = await call('POST', '/local/clock', { body: { advance: duration } });
      if (r.status !== 200) throw new Error(`clock: ${r.status} ${r.text}`);
    },
    mail: async () => (await call('GET', '/local/mail')).json,
  };
}

export { SANNE } from './sanne.js';

/** Signs in on the officers' pages with the runtime's token for `role`; the session cookie. */
export async function officerCookie(rt: Runtime, role = 'officer'): Promise<string> {
  const res = await fetch(`${rt.url}/medewerkers/inloggen`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: rt.officers[role] ?? '' }).toString(),
    redirect: 'manual',
  });
  const cookie = res.headers.get('set-cookie')?.split(';')[0] ?? '';
  if (res.status !== 303 || !/^kf_officer=.+/.test(cookie)) throw new Error(`sign-in as ${role}: ${res.status}`);
  return cookie;
}

/**
 * The form token the officers' pages give a session (a hidden field in every post form), read from
 * a page as a browser would: posts without it are refused as forged.
 */
export async function formToken(rt: Runtime, cookie: string): Promise<string> {
  const page = await (await fetch(`${rt.url}/medewerkers/werklijst`, { headers: { cookie } })).text();
  const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!token) throw new Error('no form token on the worklist');
  return token;
}

/** A runtime with its SMTP server on a free port, and a mail client that sends to it. */
export async function smtpRuntime(
  regulation: string,
  now: string,
): Promise<{ rt: TestRuntime; transport: Transporter; stop(): Promise<void> }> {
  const rt = await testRuntime(regulation, now, undefined, { smtpPort: 0 });
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: rt.smtp?.port,
    secure: false,
    ignoreTLS: true,
  });
  return {
    rt,
    transport,
    stop: async () => {
      transport.close();
      await rt.stop();
    },
  };
}
