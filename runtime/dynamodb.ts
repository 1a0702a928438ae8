/**
 * DynamoDB locally: dynalite in this process, its data on disk (LevelDB), on a free port of
 * 127.0.0.1. Tables are created at once (createTableMs: 0): a table left CREATING by a killed
 * process would otherwise stay so.
 */
import type { AddressInfo } from 'node:net';
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
