/**
 * Static assets of the pages: the Utrecht component library and its design tokens (NL Design
 * System, from npm) and our few rules. Read once from the installed packages.
 *
 * The two NL Design System sheets are 595 KB of text, which every complainant's phone loaded
 * before the form showed (and again after an hour): compressed once per process (gzip, 52 KB;
 * every browser accepts it) and tagged with a hash of their text, so a phone that has them gets a
 * 304 without a body. Behind API Gateway, hono/aws-lambda sends a body with a Content-Encoding as
 * base64 (isBase64Encoded), as a compressed body must be (test/bundles.test.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Context, Hono } from 'hono';
import { accepts } from 'hono/accepts';
import { WEB_ASSETS } from './asset-files.js';
import { KLACHTFLOW_CSS, LETTER_PRINT_CSS } from './layout.js';

const require = createRequire(import.meta.url);
const cache = new Map<string, string>();

/** In Lambda the bundle holds the files in assets/ (lib/handlers.ts); locally, node_modules. */
function file(asset: (typeof WEB_ASSETS)[number]): string {
  const spec = asset.spec;
  let text = cache.get(spec);
  if (text === undefined) {
    const root = process.env.LAMBDA_TASK_ROOT;
    text = readFileSync(root ? join(root, 'assets', asset.file) : require.resolve(spec), 'utf8');
    cache.set(spec, text);
  }
  return text;
}

/** A sheet as it is sent: its text, the same gzipped, and the entity tag of each. */
interface Sheet {
  text: string;
  gzip: Uint8Array;
  etag: string;
  gzipEtag: string;
}

/** Whether an If-None-Match names this tag (a list of tags, weak ones too, or "*"). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

// biome-ignore lint/suspicious/noExplicitAny: any Hono app (plain or OpenAPI) can carry the assets
export function registerAssets(app: Hono<any, any, any>) {
  const css = (body: () => string) => {
    let sheet: Sheet | undefined;
    return (c: Context) => {
      if (!sheet) {
        const text = body();
        const hash = createHash('sha256').update(text).digest('base64url').slice(0, 27);
        // A strong tag names one representation (RFC 9110 §8.8.3): the gzipped bytes get their own.
        sheet = { text, gzip: gzipSync(text, { level: 9 }), etag: `"${hash}"`, gzipEtag: `"${hash}-gz"` };
      }
      // RFC 9110 §12.5.3: gzip unless the client did not name it or gave it q=0.
      const gzip = accepts(c, { header: 'Accept-Encoding', supports: ['gzip'], default: 'identity' }) === 'gzip';
      const etag = gzip ? sheet.gzipEtag : sheet.etag;
      c.header('Content-Type', 'text/css; charset=utf-8');
      c.header('Cache-Control', 'public, max-age=3600');
      c.header('ETag', etag);
      c.header('Vary', 'Accept-Encoding');
      if (matches(c.req.header('if-none-match'), etag)) return c.body(null, 304);
      if (gzip) {
        c.header('Content-Encoding', 'gzip');
        return c.body(sheet.gzip as Uint8Array<ArrayBuffer>);
      }
      return c.body(sheet.text);
    };
  };
  for (const asset of WEB_ASSETS)
    app.get(
      `/assets/${asset.file}`,
      css(() => file(asset)),
    );
  app.get(
    '/assets/klachtflow.css',
    css(() => KLACHTFLOW_CSS),
  );
  app.get(
    '/assets/letter-print.css',
    css(() => LETTER_PRINT_CSS),
  );
}
