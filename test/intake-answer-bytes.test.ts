/**
 * What a complainant and AWS see of `POST /complaints`, held byte for byte while the answer's CPU
 * is cut (#19): the answer as it leaves the socket (status line, every header in order, the body),
 * the items the intake stored in the table, the AWS calls it made in their order (as the local
 * endpoints receive them) and the input of the execution it started. Ids, access tokens and the
 * answer's date are the only parts that differ from run to run; they are replaced by names before
 * the comparison. The snapshot was written by the code before the intake's speed work (main
 * f758ece); a change that alters any byte of it is a change people or AWS would see.
 *
 * Session 16 changed the first commits (`EVENT#000001`) on purpose, storing each deadline's
 * explanation without its sentences, and changed them back: a record must say what it said when
 * the term was set (test/intake-stored-deadlines.test.ts). The snapshot is f758ece's again.
 */

import { createHash } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { connect } from 'node:net';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unseal } from '../lambdas/sealed.js';
import { localDynamoDbClient } from '../runtime/dynamodb.js';
import { LOCAL_AWS_CHANNEL } from '../runtime/socketless-aws.js';
import { SANNE, type TestRuntime, testRuntime } from './support/runtime.js';

let rt: TestRuntime;
/** The ladders wait until the end: the table then holds what the intakes wrote, nothing else. */
let releaseLadders: () => void = () => undefined;
beforeAll(async () => {
  rt = await testRuntime('ons-welzijn');
  const gate = new Promise<void>((r) => {
    releaseLadders = r;
  });
  (rt.stepFunctions as unknown as { opts: { startGate?: () => Promise<void> } }).opts.startGate = () => gate;
});
afterAll(async () => {
  releaseLadders();
  await rt?.stop();
});

/** One request over a socket of its own, as a browser sends it; the answer's bytes as they came. */
function exchange(request: string): Promise<string> {
  const { port } = new URL(rt.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: (\d+)\r\n/i.exec(text.slice(0, end + 2))?.[1];
      if (end >= 0 && length !== undefined && Buffer.concat(chunks).length >= end + 4 + Number(length)) {
        socket.destroy();
        resolve(Buffer.concat(chunks).toString('utf8'));
      }
    });
    socket.on('error', reject);
    socket.write(request);
  });
}

function post(body: string, headers: Record<string, string> = {}): Promise<string> {
  const { host } = new URL(rt.url);
  const lines = [
    'POST /complaints HTTP/1.1',
    `Host: ${host}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return exchange(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

/** The outgoing HTTP requests of this process (the SDK clients'), by endpoint, in order. */
function recordCalls() {
  const calls: string[] = [];
  const name = (host: string) =>
    host === new URL(rt.endpoints.dynamodb).host ? 'dynamodb' : host === new URL(rt.endpoints.aws).host ? 'aws' : host;
  const listener = (message: unknown) => {
    const req = (message as { request: ClientRequest }).request;
    const host = `${req.host}:${(req as unknown as { socket?: { remotePort?: number } }).socket?.remotePort ?? ''}`;
    const target = req.getHeader('x-amz-target');
    calls.push(`${name(String(req.getHeader('host') ?? host))} ${req.method} ${req.path} ${target ?? ''}`.trim());
  };
  // The runtime's Step Functions, Scheduler and SES clients reach the endpoint without a socket
  // (runtime/socketless-aws.ts): their requests are published on a channel of their own, in the
  // same order with the same method, path and target.
  const socketless = (message: unknown) => {
    const req = message as { method: string; path: string; headers: Record<string, string> };
    calls.push(`${name(req.headers.host ?? '')} ${req.method} ${req.path} ${req.headers['x-amz-target'] ?? ''}`.trim());
  };
  subscribe('http.client.request.start', listener);
  subscribe(LOCAL_AWS_CHANNEL, socketless);
  return {
    calls,
    stop: () => {
      unsubscribe('http.client.request.start', listener);
      unsubscribe(LOCAL_AWS_CHANNEL, socketless);
    },
  };
}

describe('POST /complaints: what a complainant and AWS see', () => {
  it('the answers, the stored items, the AWS calls and the execution input are unchanged', async () => {
    const names = new Map<string, string>();
    const named = (kind: string, value: string) => {
      if (!names.has(value))
        names.set(value, `<${kind}${[...names.values()].filter((v) => v.startsWith(`<${kind}`)).length + 1}>`);
      return names.get(value) as string;
    };
    const recorder = recordCalls();
    const answers: string[] = [];
    try {
      answers.push(await post(JSON.stringify(SANNE)));
      answers.push(
        await post(JSON.stringify({ ...SANNE, description: 'Tweede klacht, met sleutel.' }), {
          'Idempotency-Key': 'bytes-1',
        }),
      );
      // The same key again: the first answer, nothing stored.
      answers.push(
        await post(JSON.stringify({ ...SANNE, description: 'Tweede klacht, met sleutel.' }), {
          'Idempotency-Key': 'bytes-1',
        }),
      );
      // Refused: a field missing, and a body that is no JSON.
      answers.push(await post(JSON.stringify({ ...SANNE, consent: undefined })));
      answers.push(await post('{"complainant": '));
    } finally {
      recorder.stop();
    }
    const ids: string[] = [];
    for (const a of answers) {
      const m = /"id":"([0-9a-z]{26})","reference":"[^"]+","accessToken":"([\w-]{22})"/.exec(a);
      if (m?.[1] && m[2]) {
        if (!ids.includes(m[1])) ids.push(m[1]);
        named('id', m[1]);
        named('token', m[2]);
      }
    }
    const port = new URL(rt.url).port;
    const normalise = (text: string) => {
      let out = text.replace(/^date: .*$/gim, 'Date: <date>').replaceAll(`127.0.0.1:${port}`, '127.0.0.1:<port>');
      for (const [value, name] of names) out = out.replaceAll(value, name).replaceAll(value.toUpperCase(), name);
      return out;
    };
    // The table: every item (the SDK's plain wire form, as dynalite keeps it), in the order of its
    // text with the ids named (the ids themselves are random).
    const client = localDynamoDbClient(rt.endpoints.dynamodb);
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: rt.endpoints.tableName, ...(start ? { ExclusiveStartKey: start as never } : {}) }),
      );
      items.push(...((page.Items ?? []) as Record<string, unknown>[]));
      start = page.LastEvaluatedKey;
    } while (start);
    client.destroy();
    // The hashes of the access tokens (stored instead of the tokens).
    for (const [value, name] of [...names]) {
      if (name.startsWith('<token')) names.set(createHash('sha256').update(value).digest('hex'), `${name}-hash`);
    }
    // Real time, not the runtime's clock: a commit's lease (COMMIT_LEASE) and an Idempotency-Key's
    // lease (`leaseUntil`). The sealed answer (a random IV each time) is opened with its key.
    const table = items
      .map((i) =>
        normalise(
          JSON.stringify(i)
            .replace(/("lease(d)?Until":\{"N":")\d+/g, '$1<now+lease>')
            .replace(/"sealed":\{"S":"([\w-]+)"\}/g, (_, sealed: string) =>
              JSON.stringify({ opened: JSON.stringify(unseal('bytes-1', { sealed })) }),
            ),
        ),
      )
      .sort();
    const executions = await Promise.all(
      ids.map(async (id) => {
        const arn = `${rt.endpoints.stateMachineArn.replace(':stateMachine:', ':execution:')}:${id}`;
        const d = (await rt.stepFunctions.describeExecution({ executionArn: arn })) as { input?: string };
        return d.input ?? JSON.stringify(d);
      }),
    );
    const record = [
      '== answers',
      ...answers,
      '== AWS calls, in order',
      ...recorder.calls,
      '== the table',
      ...table,
      '== the executions started',
      ...executions,
    ].join('\n');
    await expect(normalise(record)).toMatchFileSnapshot('./__snapshots__/intake-answer-bytes.txt');
  });
});
