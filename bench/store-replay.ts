/**
 * `node --import tsx bench/store-replay.ts <file> [--rounds n] [--against <dir>]`: the store path of
 * a simulated year alone. Sends the commands bench/store-record.ts recorded (in the order a
 * simulation sent them) to a fresh in-memory DynamoDB with the usage meter on it, `rounds` times,
 * and prints the CPU time per request of each round (user + system, process.cpuUsage) beside the
 * load average, the meter's counts, and how many answers differ from the recorded ones (the
 * output as JSON, key order included, or the error's name and message). A speed change to
 * runtime/memory-dynamodb.ts or runtime/usage.ts must leave that at 0 and the counts as they were
 * (#19, session 15). With `--against <dir>` (another checkout, e.g. `git archive main`), that
 * checkout's store and meter are replayed too, round for round in turn with this one's in the same
 * process, so that both see the same machine (its speed changes by half within an hour). Exits 1
 * when an answer differs.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { deserialize } from 'node:v8';
import { tableDefinition } from '../lambdas/adapters/dynamodb-store.js';
import * as here from '../runtime/memory-dynamodb.js';
import * as hereUsage from '../runtime/usage.js';
import type { RecordedRequest } from './store-record.js';

const file = process.argv[2];
if (!file) throw new Error('usage: bench/store-replay.ts <recorded file> [--rounds n] [--against <dir>]');
const option = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const rounds = Number(option('rounds') ?? 3);
const against = option('against');
const recorded = deserialize(readFileSync(file)) as RecordedRequest[];
const tableName = recorded.find((r) => r.input?.TableName)?.input.TableName as string;

interface Contender {
  name: string;
  Store: typeof here.MemoryDynamoDb;
  Usage: typeof hereUsage.Usage;
  best: number;
  differing: number;
  firstDifference?: string;
  counts?: string;
}
const contenders: Contender[] = [
  { name: 'this', Store: here.MemoryDynamoDb, Usage: hereUsage.Usage, best: Number.POSITIVE_INFINITY, differing: 0 },
];
if (against) {
  const store = (await import(resolve(against, 'runtime/memory-dynamodb.ts'))) as typeof here;
  const usage = (await import(resolve(against, 'runtime/usage.ts'))) as typeof hereUsage;
  contenders.push({
    name: against,
    Store: store.MemoryDynamoDb,
    Usage: usage.Usage,
    best: Number.POSITIVE_INFINITY,
    differing: 0,
  });
}

for (let round = 0; round < rounds; round++)
  for (const c of contenders) {
    const store = new c.Store();
    store.createTable(tableDefinition(tableName));
    const usage = new c.Usage(true);
    usage.meterMemoryDynamoDb(store);
    // Inputs copied before the clock starts: a store may keep what it is given.
    const commands = recorded.map((r) => ({ kind: r.kind, input: structuredClone(r.input) }));
    // The answers as given, made JSON after the clock stops (the replay's own work, not the store's).
    const outputs: unknown[] = new Array(commands.length);
    const load = loadavg()[0]?.toFixed(2);
    const before = process.cpuUsage();
    for (let i = 0; i < commands.length; i++) {
      try {
        outputs[i] = await store.send(commands[i] as { kind: string; input: unknown });
      } catch (e) {
        outputs[i] = { error: (e as Error).name, message: (e as Error).message };
      }
    }
    const used = process.cpuUsage(before);
    const us = (used.user + used.system) / commands.length;
    let differ = 0;
    for (let i = 0; i < commands.length; i++) {
      const answer = JSON.stringify(outputs[i]);
      if (answer !== recorded[i]?.answer) {
        differ++;
        c.firstDifference ??= `#${i} ${recorded[i]?.kind}: recorded ${recorded[i]?.answer.slice(0, 300)}\n   replayed ${answer?.slice(0, 300)}`;
      }
    }
    c.differing += differ;
    // The first round also fills the memos and warms the JIT.
    if (round > 0 || rounds === 1) c.best = Math.min(c.best, us);
    const u = usage.counts;
    c.counts = JSON.stringify({
      dynamodbRequests: u.dynamodbRequests,
      dynamodbFailures: u.dynamodbFailures,
      readUnits: u.readUnits,
      writeUnits: u.writeUnits,
      itemsWritten: u.itemsWritten,
    });
    console.log(
      `round ${round + 1} ${c.name}: ${commands.length} requests, ${us.toFixed(1)} µs CPU a request (load ${load}), ${differ} answers differ`,
    );
  }
for (const c of contenders) {
  console.log(`best ${c.name}: ${c.best.toFixed(1)} µs CPU a request (rounds after the first)`);
  console.log(`counts ${c.name}: ${c.counts}`);
  if (c.firstDifference) console.log(`first difference ${c.name}: ${c.firstDifference}`);
}
if (contenders.length === 2)
  console.log(
    `this against ${against}: ${(100 * (1 - (contenders[0] as Contender).best / (contenders[1] as Contender).best)).toFixed(1)} % less CPU a request; counts ${contenders[0]?.counts === contenders[1]?.counts ? 'the same' : 'DIFFERENT'}`,
  );
process.exitCode = contenders.some((c) => c.differing) ? 1 : 0;
