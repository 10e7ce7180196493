import { type Browser, chromium } from 'playwright-core';

/** Debian's `chromium` package, which scripts/install-system-deps.sh installs; playwright-core brings no browser. */
const chromiumPath = '/usr/bin/chromium';

/** A headless Chromium for the status page tests, with nothing of its own running in the background. */
export function launchHeadlessBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
