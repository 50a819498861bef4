// Debian's Chromium, headless, with the flags a closed network needs (no
// background connections to Google's services). Playwright gives each
// launch a fresh profile.
import { chromium } from 'playwright-core';

export async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return browser;
}

/** A phone: 375 px wide, touch, Vietnamese. */
export const phone = { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'vi-VN' };
