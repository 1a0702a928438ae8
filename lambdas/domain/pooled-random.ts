/**
 * Crypto's random bytes, drawn 4 KB at a time, as ulid's own generator uses them (a byte / 256 per
 * character): its default asks crypto for one byte per character, 16 calls per id, and looks for
 * its generator again on every plain `ulid()` (2 % of a simulated year's CPU, where every officer
 * read gets an id; about 1 % of a local `POST /complaints`, whose dossier id is one, #19).
 * test/pooled-random.test.ts judges the bytes and the ids made from them.
 */
const pool = new Uint8Array(4096);
let poolAt = pool.length;
export function pooledRandom(): number {
  if (poolAt === pool.length) {
    crypto.getRandomValues(pool);
    poolAt = 0;
  }
  return (pool[poolAt++] as number) / 256;
}
