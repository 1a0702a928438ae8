/**
 * Ports (#19): a port picked free and listened on later can be taken in between by another
 * process (EADDRINUSE, 1 run in 3 of registration.test.ts on a busy machine). The runtime listens
 * on port 0 and reports the port it got; tests and the bench use that and nothing else.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startRuntime } from '../runtime/runtime.js';
import { testRuntime } from './support/runtime.js';

describe('ports: listen on 0, report the port', () => {
  it('a runtime started on port 0 answers on the address it reports', async () => {
    const rt = await testRuntime('ons-welzijn');
    const direct = await startRuntime({
      regulation: 'ons-welzijn',
      port: 0,
      dataDir: `${rt.dataDir}-direct`,
      clock: 'manual',
    });
    try {
      expect(direct.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
      expect((await fetch(`${direct.url}/health`)).status).toBe(200);
      expect(rt.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
      const health = await fetch(`${rt.url}/health`);
      expect(health.status).toBe(200);
      // Links in letters carry the real address too.
      const r = await rt.call('POST', '/dossiers', {
        token: rt.officers.officer,
        body: {
          complainant: { name: 'Jan Jansen', email: 'jan@example.nl' },
          role: 'client',
          description: 'Telefonisch: de begeleider kwam niet.',
          consent: true,
          channel: 'phone',
          receivedAt: '2026-09-03T07:00:00Z',
        },
      });
      expect(r.status, r.text).toBe(201);
      expect(r.json.statusUrl.startsWith(`${rt.url}/klacht/`)).toBe(true);
    } finally {
      await direct.stop();
      await rt.stop();
    }
  });

  it('no test, bench or runtime file picks a free port to listen on later', () => {
    const offenders: string[] = [];
    for (const dir of ['test', 'test/support', 'bench', 'runtime', 'bin']) {
      for (const f of readdirSync(dir).filter((n) => /\.(ts|js)$/.test(n))) {
        const text = readFileSync(join(dir, f), 'utf8');
        // The pattern: listen(0), read the port, close, and hand the number on to listen later.
        if (/listen\(0[\s\S]{0,300}\.close\(\(\)\s*=>\s*\w+\(\s*port\s*\)\)/.test(text)) offenders.push(join(dir, f));
      }
    }
    expect(offenders).toEqual([]);
  });
});
