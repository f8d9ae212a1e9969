// Debian's Chromium, headless, for tests and benchmarks: never a browser a tool downloads.
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// Without the background-networking flags Chromium keeps dialling Google on a closed network.
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A browser context whose profile (service workers, caches) lives on in `userDataDir`. */
export function launchChromiumProfile(userDataDir) {
  return chromium.launchPersistentContext(userDataDir,
    { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
