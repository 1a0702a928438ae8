/** Test support: `klachtflow start` as a person runs it, in its own process on a free port. */
import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from './runtime.js';

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

/** Starts the runtime with `args` (a port is added) and resolves once /health answers. */
export async function startProcess(args: string[], children: ChildProcess[]): Promise<RuntimeProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/klachtflow.js', 'start', '--port', String(port), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
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
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`runtime exited: ${log}`);
    if (i > 400) throw new Error(`runtime not ready: ${log}`);
    try {
      if ((await fetch(`${base}/health`)).status === 200) break;
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
