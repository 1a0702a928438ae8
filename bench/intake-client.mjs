/**
 * The complainants of `npm run bench`'s intake, in a process of their own (#19): their HTTP client
 * is no work of the local runtime (in use it runs in people's browsers), yet in the runtime's own
 * process it took the same core as the answers. Sends `n` complaints (the JSON body given) to
 * `<url>/complaints`, `concurrency` at a time over keep-alive sockets, after a warm-up that opens
 * every socket; says `ready`, waits for `go` on stdin, and writes one JSON line: the wall time,
 * the latencies (ms, sorted) and this process's own CPU time.
 *
 *   node bench/intake-client.mjs <url> <n> <concurrency> <body>
 */
import { Agent, request } from 'node:http';

const [url, nArg, concurrencyArg, body] = process.argv.slice(2);
const n = Number(nArg);
const concurrency = Number(concurrencyArg);
const { hostname, port } = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const length = Buffer.byteLength(body);

function post() {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        path: '/complaints',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': length },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 201 ? resolve() : reject(new Error(`intake answered ${res.statusCode}`)),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// Every socket opened (one complaint each at once), so the measured run starts warm.
await Promise.all(Array.from({ length: concurrency }, () => post()));
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
const latencies = [];
let next = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < n) {
      next++;
      const t = performance.now();
      await post();
      latencies.push(performance.now() - t);
    }
  }),
);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
latencies.sort((a, b) => a - b);
process.stdout.write(`${JSON.stringify({ ms, latencies, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
agent.destroy();
process.stdin.destroy();
