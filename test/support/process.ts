/**
 * Test support: `klachtflow start` as a person runs it, in its own process on port 0; the port it
 * got is read from its ready message (never a port picked free first and listened on later).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { inject } from 'vitest';

/**
 * The script that is `klachtflow` in a child process: `node <this> start --port 0 ...`, the
 * arguments as a person types them after `npx klachtflow`. It is bin/klachtflow.js compiled from
 * the working tree at the start of this run (test/support/cli-bundle.ts): the same entry without
 * tsx compiling the sources again in every process.
 */
export function klachtflowCli(): string {
  const cli = inject('klachtflowCli');
  if (!cli || !existsSync(cli))
    throw new Error(`no compiled klachtflow command (${cli}): test/support/global-setup.ts builds it`);
  return cli;
}

export interface RuntimeProcess {
  child: ChildProcess;
  base: string;
  exited: Promise<void>;
  log(): string;
  call(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; json: any; text: string }>;
}

/** The API's address in a runtime's ready message (`klachtformulier    http://127.0.0.1:<port>/...`). */
export function readyUrl(log: string): string | undefined {
  return /klachtformulier\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(log)?.[1];
}

/**
 * Starts the runtime with `args` (`--port 0 --smtp-port 0` are added; a `--smtp-port` in `args`
 * wins) and resolves once /health answers. Test files run side by side: the default SMTP port 2525
 * would be taken by another file's runtime. `cli` is the script node runs: this run's compiled
 * command unless a test asks for bin/klachtflow.js itself.
 */
export async function startProcess(
  args: string[],
  children: ChildProcess[],
  cli = klachtflowCli(),
): Promise<RuntimeProcess> {
  const child = spawn(process.execPath, [cli, 'start', '--port', '0', '--smtp-port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // A preset's committed ASL is validated by test/compile.test.ts; asl-validator again at each
    // start (compiling its JSON schema with ajv) was 0.7 of the 2.4 CPU seconds a start took to
    // its first answer (2026-12-03), about 50 starts a run. An organisation's own regulation file
    // is validated as before (bin/cli.ts).
    env: { ...process.env, KLACHTFLOW_TRUST_COMMITTED_ASL: '1' },
  });
  children.push(child);
  let log = '';
  child.stdout?.on('data', (d) => {
    log += d;
  });
  child.stderr?.on('data', (d) => {
    log += d;
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let base = '';
  // Bounded by time, not by tries: on a busy machine (two files at once on 2 cores, others' work
  // beside) starting took over the 20 s that 400 tries of 50 ms gave.
  const until = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`runtime exited: ${log}`);
    if (Date.now() > until) throw new Error(`runtime not ready after 120 s: ${log}`);
    base = readyUrl(log) ?? '';
    try {
      if (base && (await fetch(`${base}/health`)).status === 200) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  const call: RuntimeProcess['call'] = async (method, path, body, token) => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const r = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: r.status, json, text };
  };
  return { child, base, exited, call, log: () => log };
}
