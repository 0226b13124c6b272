import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page, type Response } from 'playwright-core';

/** Debian's Chromium; CI installs it (.ci/run), playwright-core never downloads a browser. */
export const CHROMIUM = process.env.SLUICE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Whether the browser tests can run. Without Chromium they are skipped with the reason
 * printed, except in CI, where a missing browser fails the run instead of passing it silently.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const reason = `browser tests need Chromium at ${CHROMIUM} (apt-get install -y chromium, or set SLUICE_CHROMIUM)`;
  if (process.env.CI === 'true') throw new Error(`CI=true: ${reason}`);
  console.warn(`skipping the browser tests: ${reason}`);
  return false;
}

/** Flags that keep Chromium quiet on a machine without a network: no update, sync or telemetry calls. */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export async function launch(): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  console.log(`browser tests on Chromium ${browser.version()}`);
  return browser;
}

/** A page in a fresh context (its own cookies and storage) that records what went wrong. */
export interface WatchedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Console errors and uncaught exceptions, other than the browser's own line for a failed request. */
  readonly errors: string[];
  /** API answers of 400 and above, as `METHOD path status`. */
  readonly failures: string[];
  /** 401 answers that asked for Basic credentials, which would open the native prompt. */
  readonly prompts: string[];
  /** Dialogs the test expects next, in order, and the answer to give; any other dialog is an error. */
  readonly dialogs: { readonly message: RegExp; readonly accept: boolean }[];
  /** Every URL the page requested. */
  readonly requests: string[];
}

export async function openPage(browser: Browser, origin: string): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = await context.newPage();
  const errors: string[] = [];
  const failures: string[] = [];
  const prompts: string[] = [];
  const dialogs: WatchedPage['dialogs'] = [];
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m: ConsoleMessage) => {
    // Chromium logs every non-2xx fetch as "Failed to load resource"; those are checked
    // through `failures`, where each expected one is named.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    const expected = dialogs[0];
    if (expected && expected.message.test(d.message())) {
      dialogs.shift();
      void (expected.accept ? d.accept() : d.dismiss());
      return;
    }
    errors.push(`unexpected dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('response', (r: Response) => {
    const url = new URL(r.url());
    if (r.status() >= 400) failures.push(`${r.request().method()} ${url.pathname} ${r.status()}`);
    if (r.status() === 401 && r.headers()['www-authenticate']) prompts.push(`${url.pathname}: ${r.headers()['www-authenticate']}`);
  });
  return { page, context, errors, failures, prompts, dialogs, requests };
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Writes a README screenshot, only when asked (SLUICE_UPDATE_SCREENSHOTS=1), so CI leaves the tree clean. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SLUICE_UPDATE_SCREENSHOTS !== '1') return;
  const dir = join(root, 'docs', 'images');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, name) });
}
