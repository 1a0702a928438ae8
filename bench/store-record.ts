// biome-ignore-all lint/suspicious/noExplicitAny: commands are recorded as the store is sent them
/**
 * Preload for a simulation (`node --import tsx --import ./bench/store-record.ts bench/simulate.ts ...`
 * with STORE_RECORD=<file>): every command the in-memory DynamoDB is sent, in the order sent, with
 * its answer (the output as JSON, or the error's name and message), written to <file> (v8
 * serialisation, so a field left undefined stays undefined) when the process ends. bench/store-replay.ts
 * sends them again to a fresh store: the store path's CPU per request, measured without the rest of
 * the simulation around it, and every answer compared with the recorded one (#19, session 15).
 */
import { writeFileSync } from 'node:fs';
import { serialize } from 'node:v8';
import { MemoryDynamoDb } from '../runtime/memory-dynamodb.js';

export interface RecordedRequest {
  kind: string;
  input: any;
  answer: string;
}

const file = process.env.STORE_RECORD;
if (file) {
  const recorded: RecordedRequest[] = [];
  const send = MemoryDynamoDb.prototype.send;
  MemoryDynamoDb.prototype.send = async function (this: MemoryDynamoDb, command: { input: any; kind?: string }) {
    const kind = command.kind ?? command.constructor.name.replace(/Command$/, '');
    const entry: RecordedRequest = { kind, input: structuredClone(command.input), answer: '' };
    recorded.push(entry);
    try {
      const out = await send.call(this, command);
      entry.answer = JSON.stringify(out);
      return out;
    } catch (e) {
      entry.answer = JSON.stringify({ error: (e as Error).name, message: (e as Error).message });
      throw e;
    }
  };
  process.on('exit', () => writeFileSync(file, serialize(recorded)));
}
