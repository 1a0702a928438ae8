/**
 * The keys of stored files, checked the same way by the S3 store (./attachments.ts) and the local
 * runtime's folder (runtime/file-attachments.ts): apart from the S3 store, so the folder's store
 * does not load the S3 SDK with it (#19).
 */

/** Keys are ours (`attachments/<sha256>`, `inbound/<id>.eml`); anything else is refused. */
const KEY = /^[a-z]+\/(?:[A-Za-z0-9._-]{1,200}\/)?[A-Za-z0-9._-]{1,200}$/;

export function checkKey(key: string): void {
  if (!KEY.test(key) || key.includes('..')) throw new Error(`Invalid attachment key "${key}"`);
}
