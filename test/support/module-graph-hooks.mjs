// The load hook of module-graph.cjs: runs on Node's hooks thread, so it is told the thread it
// records for and the file to append to.
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let file;
let thread;
export function initialize(data) {
  file = data.file;
  thread = data.threadId;
}
export async function load(url, context, next) {
  const loaded = await next(url, context);
  if (url.startsWith('file:')) appendFileSync(file, `${thread}\tesm\t${fileURLToPath(url)}\n`);
  return loaded;
}
