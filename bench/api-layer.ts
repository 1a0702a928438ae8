/**
 * The API layer's own CPU per request (#19, session 17): Hono's routing and middleware, the
 * guards, zod's validation and the error answers, without the store, the ladder or the letters.
 * In-process requests (`rt.request`, as the simulation makes them) that each end before any
 * dossier is read: a complaint refused by its schema (400 with field paths), an officer's action
 * and dossier read without a credential (the id, body and query validated, then 401), a
 * complainant's message without a token, an unknown route (404). Rounds of each kind alternate;
 * printed as µs of CPU per request (best and median of the rounds) with the load average, never
 * asserted. Run the same file in another worktree to compare two versions.
 *
 *   node --import tsx bench/api-layer.ts [--rounds 7] [--requests 4000]
 */
import { loadavg } from 'node:os';
import { SANNE, testRuntime } from '../test/support/runtime.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) =>
  args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback;
const rounds = arg('--rounds', 7);
const requests = arg('--requests', 4000);

const ID = '01jc0000000000000000000000';
const json = (body: unknown, more: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  return {
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...more },
    body: text,
  };
};
const KINDS: [string, string, string, { headers?: Record<string, string>; body?: string }][] = [
  ['complaint refused (400)', 'POST', '/complaints', json({ ...SANNE, consent: false, role: 'onbekend' })],
  [
    'action, no credential (401)',
    'POST',
    `/dossiers/${ID}/actions`,
    json(
      { type: 'outcome', stepId: 'ontvangst', outcome: 'ontvankelijk', note: 'Besproken.' },
      { prefer: 'return=minimal' },
    ),
  ],
  ['dossier read, no credential (401)', 'GET', `/dossiers/${ID}?fields=availableActions`, {}],
  ['message, no token (401)', 'POST', `/complaints/${ID}/messages`, json({ text: 'Nog een aanvulling.' })],
  ['unknown route (404)', 'GET', '/bestaat-niet', {}],
];

async function main() {
  const rt = await testRuntime('ons-welzijn');
  const seen = new Map<string, number>();
  const times = new Map<string, number[]>(KINDS.map(([k]) => [k, []]));
  // Warm: every kind answered, so the rounds time the same code paths.
  for (const [kind, method, path, init] of KINDS) {
    for (let i = 0; i < 500; i++) {
      const r = await rt.request(method, path, init);
      await r.text();
      seen.set(kind, r.status);
    }
  }
  for (let round = 0; round < rounds; round++)
    for (const [kind, method, path, init] of KINDS) {
      const before = process.cpuUsage();
      for (let i = 0; i < requests; i++) {
        const r = await rt.request(method, path, init);
        await r.text();
      }
      const used = process.cpuUsage(before);
      times.get(kind)?.push((used.user + used.system) / requests);
    }
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  console.log(`API layer, µs of CPU per request (best, median of ${rounds} rounds of ${requests}; load ${load})`);
  let best = 0;
  let median = 0;
  for (const [kind, list] of times) {
    const sorted = [...list].sort((a, b) => a - b);
    const m = sorted[Math.floor(sorted.length / 2)] as number;
    best += sorted[0] as number;
    median += m;
    console.log(
      `  ${kind.padEnd(36)} ${seen.get(kind)}  ${(sorted[0] as number).toFixed(1).padStart(6)}  ${m.toFixed(1).padStart(6)}`,
    );
  }
  console.log(
    `  ${'sum of the kinds'.padEnd(36)}      ${best.toFixed(1).padStart(6)}  ${median.toFixed(1).padStart(6)}`,
  );
  await rt.stop();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
