/**
 * Static assets of the pages: the Utrecht component library and its design tokens (NL Design
 * System, from npm) and our few rules. Read once from the installed packages.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Context, Hono } from 'hono';
import { KLACHTFLOW_CSS } from './layout.js';

const require = createRequire(import.meta.url);
const cache = new Map<string, string>();

function file(spec: string): string {
  let text = cache.get(spec);
  if (text === undefined) {
    text = readFileSync(require.resolve(spec), 'utf8');
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
  app.get(
    '/assets/utrecht.css',
    css(() => file('@utrecht/component-library-css/dist/index.css')),
  );
  app.get(
    '/assets/tokens.css',
    css(() => file('@utrecht/design-tokens/dist/index.css')),
  );
  app.get(
    '/assets/klachtflow.css',
    css(() => KLACHTFLOW_CSS),
  );
}
