/**
 * Idempotency records without secrets in plain text (issue 14). The answer to a complaint holds
 * the complainant's access token; a retry with the same Idempotency-Key must get the same answer,
 * so the answer is kept, but sealed (AES-256-GCM) with a key derived from the Idempotency-Key,
 * and the record is stored under a hash of that key. Whoever reads the table (a backup, an
 * export, an operator) sees neither the token nor the key that opens it; only the client that
 * sent the key can have the answer again.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const derive = (purpose: string, idempotencyKey: string) =>
  createHash('sha256').update(`klachtflow-idempotency:${purpose}:${idempotencyKey}`).digest();

/** The name the record is stored under: not the client's key itself. */
export function recordKey(idempotencyKey: string): string {
  return derive('record', idempotencyKey).toString('base64url');
}

/** The answer, sealed with the client's key. */
export function seal(idempotencyKey: string, value: unknown): { sealed: string } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive('seal', idempotencyKey), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return { sealed: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url') };
}

/** The answer again; throws when the key does not open it (another key, or tampered). */
export function unseal(idempotencyKey: string, stored: unknown): unknown {
  const sealed = (stored as { sealed?: unknown } | undefined)?.sealed;
  if (typeof sealed !== 'string') throw new Error('Idempotency record is not sealed');
  const raw = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', derive('seal', idempotencyKey), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8'));
}
