/**
 * Where the runtime's CPU goes while it answers a burst of `POST /complaints` (#19): the bench's
 * intake at 16 clients (clients in a process of their own, bench/intake-client.mjs), with a CPU
 * profile of the runtime's process taken over the answers alone (not the warm-up, not the ladders
 * after them), summed by self time per part (dynalite and its LevelDB, the AWS SDK, the API
 * layer, klachtflow's own code, GC, Node itself) and the costliest functions. Printed, never
 * asserted; `--write <file>` also keeps the .cpuprofile for Chrome's DevTools.
 *
 *   npx tsx bench/intake-profile.ts [--requests 400] [--write /tmp/intake.cpuprofile]
 */
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { INTAKE_QUIET_MS } from '../runtime/runtime.js';
import { SANNE, testRuntime } from '../test/support/runtime.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const args = process.argv.slice(2);
const requests = Number(args[args.indexOf('--requests') + 1]) || 400;
const write = args.includes('--write') ? args[args.indexOf('--write') + 1] : undefined;
const BODY = JSON.stringify(SANNE);

/** The part of the runtime a profile node's code belongs to. */
function part(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)' || name === '(idle)' || name === '(root)') return name;
  if (
    /node_modules\/(dynalite|levelup|leveldown|memdown|abstract-leveldown|lazy|big\.js|deferred-leveldown|encoding-down|level-|subleveldown)/.test(
      url,
    )
  )
    return 'dynalite + LevelDB';
  if (/node_modules\/(@aws-sdk|@smithy|@aws-crypto|fast-xml-parser|bowser|tslib|strnum)/.test(url)) return 'AWS SDK';
  if (/node_modules\/(hono|@hono|zod|@asteasolutions)/.test(url)) return 'API layer (hono, zod)';
  if (/node_modules\/aws-local-stepfunctions|runtime\/stepfunctions/.test(url)) return 'Step Functions (local)';
  if (/\/(lambdas|runtime|statemachines|lib)\//.test(url) && !url.includes('node_modules')) {
    if (url.includes('/runtime/')) return 'klachtflow runtime/';
    if (url.includes('/lambdas/api') || url.includes('/lambdas/http') || url.includes('/lambdas/web'))
      return 'klachtflow lambdas/api';
    return 'klachtflow lambdas/ (domain, store)';
  }
  if (url.startsWith('node:') || url === '') return 'Node (http, streams, crypto, builtins)';
  const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  return m ? `node_modules/${m[1]}` : url;
}

async function main() {
  const rt = await testRuntime('ons-welzijn', undefined, undefined, { durable: true, intakeQuietMs: INTAKE_QUIET_MS });
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, 'intake-client.mjs'), rt.url, String(requests), '16', BODY],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let out = '';
  const line = () =>
    new Promise<string>((resolve) => {
      const look = () => {
        const i = out.indexOf('\n');
        if (i >= 0) {
          const l = out.slice(0, i);
          out = out.slice(i + 1);
          resolve(l);
        } else
          child.stdout.once('data', (d) => {
            out += d;
            look();
          });
      };
      look();
    });
  const session = new Session();
  session.connect();
  try {
    if ((await line()) !== 'ready') throw new Error('the intake client did not start');
    await rt.stepFunctions.idle();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    const cpu0 = process.cpuUsage();
    await session.post('Profiler.start');
    child.stdin.write('go\n');
    const result = JSON.parse(await line()) as { ms: number; latencies: number[] };
    const { profile } = await session.post('Profiler.stop');
    const cpu = process.cpuUsage(cpu0);
    await rt.stepFunctions.idle();
    if (write) writeFileSync(write, JSON.stringify(profile));
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const dt = new Map<number, number>();
    const deltas = profile.timeDeltas ?? [];
    for (const [i, id] of (profile.samples ?? []).entries()) dt.set(id, (dt.get(id) ?? 0) + (deltas[i] ?? 0));
    const parts = new Map<string, number>();
    const fns = new Map<string, number>();
    let total = 0;
    for (const [id, us] of dt) {
      const n = byId.get(id);
      if (!n) continue;
      const p = part(n.callFrame.url, n.callFrame.functionName);
      if (p === '(idle)') continue;
      total += us;
      parts.set(p, (parts.get(p) ?? 0) + us);
      const f = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(lambdas|runtime|lib|statemachines)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
      fns.set(f, (fns.get(f) ?? 0) + us);
    }
    const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
    console.log(
      `${requests} complaints at 16 clients: ${(requests / (result.ms / 1000)).toFixed(1)} /s, ${((cpu.user + cpu.system) / 1000 / requests).toFixed(2)} ms CPU an answer (profiled, so slower); load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    console.log(`profile: ${(total / 1000).toFixed(0)} ms sampled, not idle`);
    for (const [p, us] of [...parts].sort((a, b) => b[1] - a[1])) console.log(`  ${pct(us)}  ${p}`);
    console.log('costliest functions (self time):');
    for (const [f, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`  ${pct(us)}  ${f}`);
  } finally {
    session.disconnect();
    child.kill();
    await rt.stop();
    rmSync(rt.dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
