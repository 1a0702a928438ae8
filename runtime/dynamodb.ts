/**
 * DynamoDB locally: dynalite in this process, its data on disk (LevelDB), on a free port of
 * 127.0.0.1. Tables are created at once (createTableMs: 0): a table left CREATING by a killed
 * process would otherwise stay so.
 */
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { rememberedParse } from './memory-dynamodb.js';

/**
 * `rememberParses`: the server's expressions are parsed through the memory store's memo of parses
 * (`rememberedParse`, runtime/memory-dynamodb.ts, held to dynalite's answers there and in
 * test/dynalite-parse-memo.test.ts). dynalite parses every request's expressions with its PEG
 * parsers, the same few again and again (a complaint's `attribute_not_exists(sk)`, its limits'
 * `attribute_not_exists(#n) OR #n < :limit`, the counter's `ADD n :one`): about 4 % of the local
 * intake's answer in a CPU profile (#19). dynalite takes the memo as its `parseExpression` option,
 * a hook of patches/dynalite+4.0.0.patch; without it (the reference the memory store is held to)
 * it parses every request as it always did.
 */
export async function startDynalite(
  path: string,
  opts: { rememberParses?: boolean } = {},
): Promise<{ endpoint: string; close(): Promise<void> }> {
  // Loaded here, by the store that serves on it (`npm start`): the memory store of the simulation
  // and the tests uses only dynalite's validations and actions, not its server and LevelDB (#19).
  const { default: dynalite } = await import('dynalite');
  const server = dynalite({
    path,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(opts.rememberParses ? { parseExpression: rememberedParse } : {}),
  } as Parameters<typeof dynalite>[0]);
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((res) => server.close(() => res())),
  };
}

/**
 * The SDK's logger middleware builds a log line for every call, filtering the whole input and
 * output for sensitive fields, and hands it to the client's logger, which by default does nothing
 * with it (NoOpLogger): work for nothing on every call (about 1 % of the local intake's CPU, #19).
 * Removed from a client that has no logger of its own; the call itself is unchanged.
 */
export function withoutSdkLogLine<T extends { middlewareStack: { remove(name: string): boolean } }>(client: T): T {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

/**
 * The SDK's user agent middleware builds the user-agent and x-amz-user-agent headers on every call
 * (the SDK's and Node's versions, the features the call used, each part escaped): about 1 % of the
 * local intake's CPU (#19), for endpoints that read neither header (dynalite, the local Step
 * Functions endpoint). Removed from those local clients only; in AWS (lambdas/aws-*.ts) the SDK
 * keeps it. Every other header and the body stay the SDK's (test/local-signer.test.ts).
 */
export function withoutUserAgent<T extends { middlewareStack: { remove(name: string): boolean } }>(client: T): T {
  client.middlewareStack.remove('getUserAgentMiddleware');
  return client;
}

/**
 * Signs a request to a local endpoint in SigV4's form without its hashing. Nothing local checks a
 * signature (dynalite checks only that the Authorization header has SigV4's parts and that a date
 * is there; the local Step Functions, Scheduler and SES endpoint reads none), and the credentials
 * are dummies, yet SigV4 hashed every body and derived an HMAC key chain for every call: about 4 %
 * of the local intake's CPU and as much of every ladder task's call (#19). The SDK's own signing
 * step still runs (clock skew, the auth scheme, the identity); only the signature is a fixed word.
 * For the local endpoints only: the clients in AWS (lambdas/aws-*.ts) keep the SDK's signer.
 */
export const LOCAL_SIGNER = {
  async sign<R extends { headers: Record<string, string> }>(
    request: R,
    options?: { signingDate?: Date | string | number; signingRegion?: string; signingService?: string },
  ): Promise<R> {
    // SigV4's basic ISO 8601 form, 20261203T211500Z, as X-Amz-Date carries it.
    const date = new Date(options?.signingDate ?? Date.now()).toISOString().replace(/[-:]|\.\d{3}/g, '');
    const scope = `${date.slice(0, 8)}/${options?.signingRegion ?? 'eu-west-1'}/${options?.signingService ?? 'local'}`;
    request.headers['x-amz-date'] = date;
    request.headers.authorization = `AWS4-HMAC-SHA256 Credential=local/${scope}/aws4_request, SignedHeaders=host;x-amz-date, Signature=unsigned-local`;
    return request;
  },
};

/** What every SDK client of a local endpoint is given: dummy credentials, and the local signer. */
export const LOCAL_SDK_AUTH = {
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  signer: LOCAL_SIGNER,
} as const;

/**
 * The SDK client of the local DynamoDB: the runtime's, and the bench's raw PutItem side (#19), so
 * both are measured through the same client. Dummy credentials: nothing local checks them.
 */
export function localDynamoDbClient(
  endpoint: string,
  region = 'eu-west-1',
  opts: { cacheMiddleware?: boolean } = {},
): DynamoDBClient {
  return withoutUserAgent(withoutSdkLogLine(new DynamoDBClient({ region, endpoint, ...LOCAL_SDK_AUTH, ...opts })));
}
