/**
 * Static assets of the pages: the Utrecht component library and its design tokens (NL Design
 * System, from npm) and our few rules. Read once from the installed packages.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Context, Hono } from 'hono';
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

// biome-ignore lint/suspicious/noExplicitAny: any Hono app (plain or OpenAPI) can carry the assets
export function registerAssets(app: Hono<any, any, any>) {
  const css = (body: () => string) => (c: Context) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(body());
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
