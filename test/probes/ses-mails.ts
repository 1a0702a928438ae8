/**
 * A probe run in its own process with --expose-gc (test/memory.test.ts): heap growth per letter
 * sent through the local SES endpoint with the SDK client, as the runtime sends them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESClient } from '@aws-sdk/client-ses';
import { SesMailer } from '../../lambdas/adapters/aws.js';
import { createAwsEndpoint } from '../../runtime/aws-endpoint.js';
import { RuntimeClock } from '../../runtime/clock.js';
import { LocalMailbox } from '../../runtime/mailbox.js';
import { LocalScheduler } from '../../runtime/scheduler.js';
import { LocalStepFunctions } from '../../runtime/stepfunctions.js';
import { heapGrowthPerOp } from '../support/heap-probe.js';

const n = Number(process.argv[2] ?? 600);
const dir = mkdtempSync(join(tmpdir(), 'kf-ses-probe-'));
const clock = new RuntimeClock('manual', 1, new Date('2026-09-03T07:00:00Z'));
const mailbox = new LocalMailbox(join(dir, 'mail.jsonl'), clock);
const server = createAwsEndpoint({
  stepFunctions: new LocalStepFunctions({ dir: join(dir, 'executions'), clock }),
  scheduler: new LocalScheduler(join(dir, 'schedules'), clock, {}),
  mailbox,
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const client = new SESClient({
  region: 'eu-west-1',
  endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const mailer = new SesMailer(client);
// A letter of about the size klachtflow sends (text and HTML).
const body = 'Beste Sanne de Vries, wij hebben uw klacht ontvangen. '.repeat(40);
const perMail = await heapGrowthPerOp(n, async (i) => {
  await mailer.send({
    key: `letter-${i}`.padEnd(40, '0'),
    from: 'klachten@example.nl',
    to: ['sanne@example.nl'],
    subject: `Ontvangstbevestiging ${i}`,
    text: body,
    html: `<p>${body}</p>`,
  });
});
client.destroy();
server.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ perMail: Math.round(perMail), letterBytes: body.length * 2 })}\n`);
