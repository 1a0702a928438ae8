/**
 * The local runtime's attachment bytes: files in `<data>/files`, written atomically. Kept out of
 * lambdas/adapters/attachments.ts so that no Lambda bundle carries the file writer (#19).
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { sync as writeFileAtomicSync } from 'write-file-atomic';
import { checkKey } from '../lambdas/adapters/attachment-key.js';
import type { AttachmentStore } from '../lambdas/domain/ports.js';

/** Files in a folder (the local runtime's `<data>/files`), written atomically. */
export class FileAttachmentStore implements AttachmentStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
    mkdirSync(this.root, { recursive: true });
  }

  private path(key: string): string {
    checkKey(key);
    const p = resolve(this.root, key);
    if (!p.startsWith(this.root + sep)) throw new Error(`Invalid attachment key "${key}"`);
    return p;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const p = this.path(key);
    mkdirSync(dirname(p), { recursive: true });
    // Write then rename: a crash never leaves half a file under the final name.
    writeFileAtomicSync(p, Buffer.from(bytes), { mode: 0o600 });
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const p = this.path(key);
    return existsSync(p) ? new Uint8Array(readFileSync(p)) : undefined;
  }

  async delete(key: string): Promise<void> {
    rmSync(this.path(key), { force: true });
  }
}
