/**
 * A probe run in its own process with --expose-gc (test/memory.test.ts): heap growth of the local
 * runtime per complaint that came in, was read by an officer and was closed (withdrawn), measured
 * after a warm-up. Prints one JSON line {perClosedComplaint, running, pendingClock}.
 */
import { rmSync } from 'node:fs';
import { heapGrowthPerOp } from '../support/heap-probe.js';
import { SANNE, testRuntime } from '../support/runtime.js';

const n = Number(process.argv[2] ?? 60);
const rt = await testRuntime('ons-welzijn');
const officer = rt.officers.officer ?? '';
const perClosedComplaint = await heapGrowthPerOp(
  n,
  async () => {
    const r = await rt.call('POST', '/complaints', { body: SANNE });
    if (r.status !== 201) throw new Error(`intake ${r.status} ${r.text}`);
    await rt.advance('PT0S');
    const d = await rt.call('GET', `/dossiers/${r.json.id}`, { token: officer });
    if (d.status !== 200) throw new Error(`dossier ${d.status}`);
    const w = await rt.call('POST', `/complaints/${r.json.id}/withdraw`, {
      token: r.json.accessToken,
      body: { reason: 'Opgelost.' },
    });
    if (w.status !== 200) throw new Error(`withdraw ${w.status} ${w.text}`);
    await rt.advance('PT0S');
  },
  30,
);
const out = {
  perClosedComplaint: Math.round(perClosedComplaint),
  running: rt.stepFunctions.running(),
  pendingClock: rt.clock.pending().length,
};
await rt.stop();
rmSync(rt.dataDir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(out)}\n`);
