/**
 * Attachment stores: the bytes of e-mail attachments and of raw messages kept for the postvak.
 * Metadata (name, type, size, sha256) lives in the dossier or the held item; here only bytes.
 * In AWS the encrypted inbound-mail bucket; the local runtime's folder is runtime/file-attachments.ts
 * (apart, so no Lambda bundle carries write-file-atomic and signal-exit: #19's 250 KiB).
 */
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AttachmentStore } from '../domain/ports.js';
import { checkKey } from './attachment-key.js';

// checkKey as before; S3Client for the local runtime, which loads this module with its first file
// (#19) and takes the client from a module of ours: in a bundle (the compiled CLI) a dynamic import
// of CommonJS gives only its default.
export { checkKey, S3Client };

/** Objects in S3 (the inbound-mail bucket, KMS-encrypted by the bucket's default). */
export class S3AttachmentStore implements AttachmentStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, bytes: Uint8Array, meta: { contentType: string }): Promise<void> {
    checkKey(key);
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: meta.contentType }),
    );
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return r.Body ? await r.Body.transformToByteArray() : undefined;
    } catch (e) {
      if (e instanceof NoSuchKey || (e as Error).name === 'NoSuchKey') return undefined;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    // S3 answers a delete of a missing key with success: a retried erase is harmless.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}
