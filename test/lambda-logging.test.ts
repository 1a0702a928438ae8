/**
 * What the Lambda functions log (#7, #8): the HTTP entry (lambdas/http.ts) takes API Gateway
 * payload 2.0 events, its SDK clients pointed at a local runtime's DynamoDB and AWS endpoint,
 * with Powertools writing to a captured stdout. A complaint goes in; the log has a line for each
 * request with its ids, and nothing the complainant wrote, nor the access token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regulationFileFor } from '../lib/handlers.js';
import { loadRegulation } from '../statemachines/load.js';
import { type TestRuntime, testRuntime } from './support/runtime.js';

const person = {
  name: 'Johanna Zwartkruis-Vermeulen',
  email: 'johanna.zwartkruis@voorbeeld.nl',
  phone: '06 1234 5678',
  street: 'Lijsterbeslaan 17',
  description: 'Mijn moeder kreeg op afdeling Berkenhof drie dagen haar insuline niet.',
};

let rt: TestRuntime;
let handler: (event: unknown, context: unknown) => Promise<any>;
let taskHandler: (event: unknown, context: unknown) => Promise<any>;
const lines: string[] = [];
let restore: () => void;

/** An API Gateway HTTP API (payload 2.0) event, as the gateway sends it to the function. */
function apiEvent(method: string, path: string, routeKey: string, opts: { body?: unknown; id?: string } = {}) {
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'abc123.execute-api.eu-central-1.amazonaws.com',
      ...(opts.body ? { 'content-type': 'application/json' } : {}),
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-central-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.10', userAgent: 'vitest' },
      requestId: `gw-${method}-${lines.length}`,
      routeKey,
      stage: '$default',
      time: '03/Sep/2026:07:00:00 +0000',
      timeEpoch: 1788418800000,
    },
    ...(opts.id ? { pathParameters: { id: opts.id } } : {}),
    ...(opts.body ? { body: JSON.stringify(opts.body), isBase64Encoded: false } : { isBase64Encoded: false }),
  };
}

const lambdaContext = (name: string) => ({
  awsRequestId: `lambda-${name}-${lines.length}`,
  functionName: `klachtflow-${name}`,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:eu-central-1:123456789012:function:klachtflow-${name}`,
  memoryLimitInMB: '512',
  logGroupName: `/aws/lambda/klachtflow-${name}`,
  logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 29_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

beforeAll(async () => {
  rt = await testRuntime('ons-welzijn');
  const e = rt.endpoints;
  // What the stack sets (lib/klachtflow-stack.ts), pointed at the local runtime.
  Object.assign(process.env, {
    AWS_REGION: e.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: e.dynamodb,
    AWS_ENDPOINT_URL_SFN: e.aws,
    AWS_ENDPOINT_URL_SES: e.aws,
    AWS_ENDPOINT_URL_SCHEDULER: e.aws,
    TABLE_NAME: e.tableName,
    STATE_MACHINE_ARN: e.stateMachineArn,
    REMINDER_FUNCTION_ARN: `arn:aws:lambda:${e.region}:000000000000:function:klachtflow-reminder`,
    SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/klachtflow-scheduler',
    SCHEDULE_GROUP: 'klachtflow',
    PUBLIC_URL: 'https://klachten.example.nl',
    // As the stack puts it into the bundle: the regulation validated at synth, as JSON.
    KLACHTFLOW_REGULATION: regulationFileFor(loadRegulation('ons-welzijn')),
    COGNITO_USER_POOL_ID: 'eu-central-1_Test123',
    COGNITO_CLIENT_ID: 'pages-client',
    COGNITO_DOMAIN_URL: 'https://klachtflow-test.auth.eu-central-1.amazoncognito.com',
    POWERTOOLS_SERVICE_NAME: 'klachtflow',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_DEV: '',
  });
  // Powertools writes through its own Console on process.stdout/stderr: capture both, print nothing.
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const capture = (chunk: unknown) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  restore = () => {
    process.stdout.write = out;
    process.stderr.write = err;
  };
  handler = (await import('../lambdas/http.js')).handler as never;
  taskHandler = (await import('../lambdas/begin-step.js')).handler as never;
}, 120_000);

afterAll(async () => {
  restore?.();
  await rt?.stop();
});

/** Every captured line that is Powertools JSON. */
const logged = () =>
  lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });

describe('lambda logs: the intake path', () => {
  let created: { id: string; accessToken: string; reference: string };

  it('a complaint through the HTTP entry is logged by its ids, and nothing the complainant wrote', async () => {
    const res = await handler(
      apiEvent('POST', '/complaints', 'POST /complaints', {
        body: {
          complainant: {
            name: person.name,
            email: person.email,
            phone: person.phone,
            address: { street: person.street, postcode: '1234 AB', city: 'Almere' },
          },
          role: 'client',
          description: person.description,
          consent: true,
        },
      }),
      lambdaContext('api'),
    );
    expect(res.statusCode, res.body).toBe(201);
    created = JSON.parse(res.body);
    // The ladder's first step (the acknowledgement) runs after the answer; the page below shows
    // its letter. (The answer once came late enough for it only by its read-back, #19.)
    await rt.advance('PT0S');

    // A status page read: its path holds the dossier's access token.
    const status = await handler(
      apiEvent('GET', `/klacht/${created.id}/${created.accessToken}`, 'GET /klacht/{id}/{token}', { id: created.id }),
      lambdaContext('api'),
    );
    expect(status.statusCode).toBe(200);
    expect(status.body).toContain(person.name.split(' ')[0]);

    // A task function failing on this dossier: the failure is logged, by ids only.
    await expect(
      taskHandler({ dossierId: created.id, step: 123, previous: { note: person.description } }, lambdaContext('begin')),
    ).rejects.toThrow();

    const entries = logged();
    const intake = entries.find((l) => l.route === 'POST /complaints');
    expect(intake).toMatchObject({
      level: 'INFO',
      service: 'klachtflow',
      handler: 'api',
      method: 'POST',
      status: '201',
      function_name: 'klachtflow-api',
      function_request_id: expect.stringMatching(/^lambda-api-/),
      apiRequestId: expect.stringMatching(/^gw-POST-/),
    });
    expect(entries.find((l) => l.route === 'GET /klacht/{id}/{token}')).toMatchObject({
      dossierId: created.id,
      status: '200',
    });
    expect(entries.find((l) => l.handler === 'beginStep')).toMatchObject({
      level: 'ERROR',
      dossierId: created.id,
      message: 'beginStep failed',
    });

    const all = lines.join('\n').toLowerCase();
    for (const secret of [...Object.values(person), created.accessToken, 'zwartkruis', 'insuline', '0612345678'])
      expect(all, `the logs hold "${secret}"`).not.toContain(secret.toLowerCase());
  });
});

describe('lambda logs: a letter that bounced', () => {
  it('the mail-events entry records an SES bounce in the dossier, logged by the dossier id, never the address', async () => {
    const complaint = await handler(
      apiEvent('POST', '/complaints', 'POST /complaints', {
        body: {
          complainant: { name: person.name, email: person.email },
          role: 'client',
          description: person.description,
          consent: true,
        },
      }),
      lambdaContext('api'),
    );
    expect(complaint.statusCode, complaint.body).toBe(201);
    const { id } = JSON.parse(complaint.body);
    await rt.advance('PT0S');
    const before = await rt.call('GET', `/dossiers/${id}`, { token: rt.officers.officer });
    const letter = before.json.letters.find((l: any) => l.audience === 'complainant');
    expect(letter?.messageId).toBeTypeOf('string');
    const mailEvents = (await import('../lambdas/mail-events.js')).handler as (e: unknown, c: unknown) => Promise<any>;
    // As EventBridge delivers SES's event (the tags are those SesMailer set on the letter).
    const result = await mailEvents(
      {
        version: '0',
        id: 'e1',
        'detail-type': 'Email Bounced',
        source: 'aws.ses',
        account: '123456789012',
        time: '2026-09-03T07:01:02Z',
        region: 'eu-central-1',
        resources: [],
        detail: {
          eventType: 'Bounce',
          bounce: {
            bounceType: 'Permanent',
            bounceSubType: 'General',
            bouncedRecipients: [{ emailAddress: person.email, diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
          },
          mail: {
            messageId: letter.messageId,
            destination: [person.email],
            tags: { 'ses:configuration-set': ['klachtflow'], 'klachtflow-dossier': [id] },
          },
        },
      },
      lambdaContext('mail-events'),
    );
    expect(result).toMatchObject({ recorded: true, dossierId: id });
    const after = await rt.call('GET', `/dossiers/${id}`, { token: rt.officers.officer });
    expect(after.json.undeliveredTo).toEqual([person.email]);
    expect(logged().find((l) => l.handler === 'mail-events')).toMatchObject({
      level: 'INFO',
      message: 'mail-events done',
      dossierId: id,
    });
    expect(lines.join('\n').toLowerCase()).not.toContain(person.email.toLowerCase());
  });
});

describe('lambda http: officer sign-in', () => {
  it('the HTTP entry sends officers to the hosted sign-in its environment names (not the local token form)', async () => {
    const res = await handler(apiEvent('GET', '/medewerkers', 'GET /medewerkers'), lambdaContext('api'));
    expect(res.statusCode).toBe(302);
    const to = new URL(res.headers.location);
    expect(`${to.origin}${to.pathname}`).toBe(
      'https://klachtflow-test.auth.eu-central-1.amazoncognito.com/oauth2/authorize',
    );
    expect(to.searchParams.get('client_id')).toBe('pages-client');
    expect(to.searchParams.get('redirect_uri')).toBe('https://klachten.example.nl/medewerkers/aangemeld');
    const form = await handler(
      apiEvent('POST', '/medewerkers/inloggen', 'POST /medewerkers/inloggen'),
      lambdaContext('api'),
    );
    expect(form.statusCode).toBe(404);
  });
});
