import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's chromium, headless, as every browser test drives it. Never a browser download
 * (`npx playwright install` cannot reach its host here); `.ci/run` installs the Debian package.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
