/**
 * DynamoDB locally: dynalite in this process, its data on disk (LevelDB), on a free port of
 * 127.0.0.1. Tables are created at once (createTableMs: 0): a table left CREATING by a killed
 * process would otherwise stay so.
 */
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';

export async function startDynalite(path: string): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
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
 * The SDK client of the local DynamoDB: the runtime's, and the bench's raw PutItem side (#19), so
 * both are measured through the same client. Dummy credentials: nothing local checks them.
 */
export function localDynamoDbClient(endpoint: string, region = 'eu-west-1'): DynamoDBClient {
  return withoutSdkLogLine(
    new DynamoDBClient({ region, endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  );
}
