import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chromiumAvailable, launch, openPage, screenshot, type WatchedPage } from './support/browser.js';
import { PASSWORD, USER, auth, startServer, type ServerProcess } from './support/server-process.js';

// Issue 14: the web UI in a real browser, against the built server as a process. Each test
// gets its own server (fresh data folder) and its own browser context, so none depends on
// another's flows, executions or cookies.

const run = promisify(execFile);
const seed = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'ui-seed-flow.yaml'), 'utf8');
const KEY = '4wjtkzwVGBM9yKnjm3yv8r';
const SECRET_KEY = 'hook-secret-Zq81xVb7Lm02';
const available = chromiumAvailable();

describe.skipIf(!available)('web UI in Chromium', () => {
  let browser: Browser;
  let server: ServerProcess;
  let w: WatchedPage;
  let page: Page;
  /** The failed API answers a test provokes on purpose, e.g. `POST /api/v1/main/flows 422`. */
  let expectedFailures: RegExp[];

  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    server = await startServer(['server', 'standalone'], { SECRET_HOOK_KEY: Buffer.from(SECRET_KEY).toString('base64') });
    w = await openPage(browser, server.url);
    page = w.page;
    // Nothing fails unless a test says so: before login, /session answers 200 without a session.
    expectedFailures = [];
  });
  afterEach(async () => {
    await w.context.close();
    const code = await server.stop();
    // Whatever the test did, no page threw or logged an error, no request asked the browser
    // for Basic credentials, and only the failures the test meant happened.
    expect(w.errors).toEqual([]);
    expect(w.prompts).toEqual([]);
    expect(w.failures.filter((f) => !expectedFailures.some((e) => e.test(f)))).toEqual([]);
    expect(code).toBe(0);
  });

  const api = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, { ...init, headers: { ...auth, ...(init.headers as Record<string, string>) } });

  async function login(): Promise<void> {
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/ui\/login/);
    await page.getByLabel('Username').fill(USER);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/ui\/main\/flows$/);
  }

  /** Types a whole flow into the CodeMirror editor, replacing what it holds. */
  async function typeFlow(yaml: string): Promise<void> {
    const content = page.locator('.cm-content');
    await content.waitFor();
    await content.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(yaml);
  }

  async function createSeedInEditor(): Promise<void> {
    await page.locator('.page-head').getByRole('link', { name: 'Create flow' }).click();
    await page.waitForURL(/\/flows\/new$/);
    await typeFlow(seed);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/\/ui\/main\/flows\/edit\/company\.team\/trigger\/overview$/);
  }

  /** The seed flow with a schedule trigger `often` that ticks every 2 s. */
  async function createScheduled(): Promise<void> {
    const scheduled = `${seed.trimEnd()}\n  - id: often\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: "*/2 * * * * *"\n    withSeconds: true\n`;
    const created = await api('/api/v1/main/flows', { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: scheduled });
    expect(created.status, await created.clone().text()).toBe(200);
  }

  // Evaluated in the page, written as strings: this file is type-checked without the DOM library.
  const clipboard = () => page.evaluate<string>('navigator.clipboard.readText()');

  it('logs in without a native prompt, and refuses a POST without the CSRF token', async () => {
    await login();
    expect(await page.locator('.nav').textContent()).toContain(USER);
    // The YAML editor is its own chunk, loaded only when an editor opens.
    expect(w.requests.filter((u) => /\/ui\/assets\/codemirror-/.test(u))).toEqual([]);
    const status = await page.evaluate(async (yaml) => {
      const r = await fetch('/api/v1/main/flows', { method: 'POST', headers: { 'Content-Type': 'application/x-yaml', 'X-Requested-With': 'sluice-ui' }, body: yaml });
      return r.status;
    }, seed);
    expect(status).toBe(403);
    expectedFailures.push(/^POST \/api\/v1\/main\/flows 403$/);
    expect((await api('/api/v1/main/flows/company.team/trigger')).status).toBe(404);
  });

  it('creates the seed flow in the editor; the Triggers tab masks the URL and copies it whole', async () => {
    await login();
    await createSeedInEditor();
    expect(w.requests.filter((u) => /\/ui\/assets\/codemirror-/.test(u))).toHaveLength(1);
    await page.getByRole('tab', { name: 'Triggers' }).click();
    const url = page.getByTestId('webhook-url');
    await expect.poll(() => url.textContent()).toContain('/api/v1/main/executions/webhook/company.team/trigger/4wj******');
    expect(await page.locator('body').innerText()).not.toContain(KEY);
    await screenshot(page, 'ui-triggers.png');
    await page.getByRole('button', { name: 'Copy URL' }).click();
    await expect.poll(clipboard).toBe(`${server.url}/api/v1/main/executions/webhook/company.team/trigger/${KEY}`);
  });

  it('runs the copied webhook cURL in a shell; the execution appears live and shows its log line', async () => {
    await login();
    await createSeedInEditor();
    await page.getByRole('button', { name: 'Execute' }).click();
    await page.getByRole('tab', { name: 'Webhook cURL' }).click();
    await page.getByLabel('JSON payload').fill(JSON.stringify({ customer: { id: 42, name: "O'Brien $HOME" }, note: 'Hello 🚀' }));
    await page.getByRole('textbox', { name: 'Header 1 name' }).fill('X-Source');
    await page.getByRole('textbox', { name: 'Header 1 value' }).fill("shop's \"main\"");
    await page.getByRole('textbox', { name: 'Parameter 1 name' }).fill('source');
    await page.getByRole('textbox', { name: 'Parameter 1 value' }).fill('shop & co');
    await screenshot(page, 'ui-webhook-curl.png');
    await page.getByRole('button', { name: 'Copy cURL' }).click();
    await expect.poll(clipboard).toContain('curl -X POST');
    const command = await clipboard();
    expect(await page.getByTestId('webhook-curl').innerText()).not.toContain(KEY);
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('tab', { name: 'Executions' }).click();
    await page.getByText('No executions yet').waitFor();

    const { stdout } = await run('/bin/sh', ['-c', `${command} --silent --show-error`], { timeout: 20_000 });
    const started = JSON.parse(stdout) as { id: string; trigger: { variables: { body: unknown; headers: Record<string, string[]>; parameters: unknown } } };
    expect(started.trigger.variables.parameters).toEqual({ source: ['shop & co'] });
    expect(started.trigger.variables.body).toEqual({ customer: { id: 42, name: "O'Brien $HOME" }, note: 'Hello 🚀' });
    expect(started.trigger.variables.headers['x-source']).toEqual(["shop's \"main\""]);

    const row = page.locator(`[data-execution="${started.id}"]`);
    await row.waitFor({ timeout: 15_000 });
    await row.getByRole('link').first().click();
    await page.waitForURL(new RegExp(`/executions/company\\.team/trigger/${started.id}$`));
    await page.getByRole('tab', { name: 'Logs' }).click();
    await page.getByTestId('log-lines').getByText('Hello World! 🚀').waitFor({ timeout: 15_000 });
  });

  it('sends a test event from the Triggers tab, which starts a labelled execution', async () => {
    await login();
    await createSeedInEditor();
    await page.getByRole('tab', { name: 'Triggers' }).click();
    await page.getByRole('button', { name: '⚡ Send test' }).click();
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.waitForURL(/\/executions\/company\.team\/trigger\/[A-Za-z0-9]+$/);
    await expect.poll(() => page.locator('.label-chip').allInnerTexts()).toContain('system.test: true');
    await page.getByTestId('state').first().filter({ hasText: 'SUCCESS' }).waitFor({ timeout: 15_000 });
    await page.getByRole('tab', { name: 'Gantt' }).click();
    await page.getByRole('button', { name: /^hello: SUCCESS/ }).click();
    await page.getByTestId('log-lines').getByText('Hello World! 🚀').waitFor();
    await page.getByRole('button', { name: 'Test event sent: execution started' }).click();
    await screenshot(page, 'ui-execution.png');
  });

  it('shows a bad flow’s error at its line, from the server', async () => {
    await login();
    await page.locator('.page-head').getByRole('link', { name: 'Create flow' }).click();
    // Imported from a file this time: the editor holds it, the server checks it.
    await page.locator('.cm-content').waitFor();
    await page.getByLabel('Import YAML file').setInputFiles({ name: 'bad.yaml', mimeType: 'application/x-yaml', buffer: Buffer.from('id: bad\nnamespace: company.team\n\ntasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Nope\n    message: hi\n') });
    await expect.poll(() => page.locator('.cm-content').innerText()).toContain('log.Nope');
    const line = () => page.evaluate<number>("[...document.querySelectorAll('.cm-content .cm-line')].findIndex((l) => l.querySelector('.cm-lintRange-error')) + 1");
    await expect.poll(line, { timeout: 10_000 }).toBe(6);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('alert').getByText("line 6: tasks[0].type: unknown type 'io.kestra.plugin.core.log.Nope'", { exact: false }).waitFor();
    expectedFailures.push(/^POST \/api\/v1\/main\/flows 422$/);
  });

  it('asks before leaving unsaved edits, and shows a revision saved meanwhile as a conflict', async () => {
    expect((await api('/api/v1/main/flows', { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: seed })).status).toBe(200);
    await login();
    await page.goto(`${server.url}/ui/main/flows/edit/company.team/trigger/edit`);
    const content = page.locator('.cm-content');
    await content.waitFor();
    await content.click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.insertText('description: edited in the browser\n');
    await page.getByTestId('dirty').waitFor();

    w.dialogs.push({ message: /unsaved changes/, accept: false });
    await page.getByRole('tab', { name: 'Overview' }).click();
    await expect.poll(() => w.dialogs.length).toBe(0);
    expect(page.url()).toMatch(/\/trigger\/edit$/);

    // Someone else saves revision 2 meanwhile: saving over it is a choice the user makes.
    const theirs = `${seed}labels:\n  by: api\n`;
    expect((await api('/api/v1/main/flows/company.team/trigger', { method: 'PUT', headers: { 'content-type': 'application/x-yaml' }, body: theirs })).status).toBe(200);
    // The server refuses the save (If-Match: "1"), not a read the page made before it.
    expectedFailures.push(/^PUT \/api\/v1\/main\/flows\/company\.team\/trigger 409$/);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByTestId('conflict').getByText('Revision 2 was saved after the revision 1 you are editing').waitFor();
    expect(((await (await api('/api/v1/main/flows/company.team/trigger')).json()) as { revision: number }).revision).toBe(2);
    await page.getByRole('button', { name: 'Save mine over it' }).click();
    await expect.poll(async () => ((await (await api('/api/v1/main/flows/company.team/trigger')).json()) as { revision: number }).revision).toBe(3);
    const saved = (await (await api('/api/v1/main/flows/company.team/trigger')).json()) as { source: string; description?: string };
    expect(saved.description).toBe('edited in the browser');
    // The store holds revision 3 before the page hears the answer: wait for the page to say so.
    await expect.poll(() => page.getByTestId('dirty').count()).toBe(0);
    expect(await content.innerText()).toContain('description: edited in the browser');
  });

  it('switches a trigger off and on from the Triggers tab, each time a new revision', async () => {
    expect((await api('/api/v1/main/flows', { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: seed })).status).toBe(200);
    const flow = async () => (await (await api('/api/v1/main/flows/company.team/trigger')).json()) as { revision: number; triggers: { disabled?: boolean }[] };
    await login();
    await page.goto(`${server.url}/ui/main/flows/edit/company.team/trigger/triggers`);
    const enabled = page.getByRole('switch', { name: 'Trigger webhook enabled' });
    await enabled.uncheck();
    await expect.poll(async () => (await flow()).revision).toBe(2);
    expect((await flow()).triggers[0]?.disabled).toBe(true);
    await expect.poll(() => enabled.isChecked()).toBe(false);
    await enabled.check();
    await expect.poll(async () => (await flow()).revision).toBe(3);
    expect((await flow()).triggers[0]?.disabled).toBeFalsy();
  });

  it('pauses a webhook trigger through the trigger API from the Triggers tab: 404 while paused, after a reload too; 200 once resumed', async () => {
    expect((await api('/api/v1/main/flows', { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: seed })).status).toBe(200);
    const hook = () => fetch(`${server.url}/api/v1/main/executions/webhook/company.team/trigger/${KEY}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    const revision = async () => ((await (await api('/api/v1/main/flows/company.team/trigger')).json()) as { revision: number }).revision;
    await login();
    await page.goto(`${server.url}/ui/main/flows/edit/company.team/trigger/triggers`);
    const row = page.locator('[data-trigger="webhook"]');
    await expect.poll(() => row.getByTestId('trigger-status').textContent()).toBe('Active');
    expect(await row.getByTestId('trigger-state').innerText()).toContain('webhook');
    await row.getByRole('button', { name: 'Pause trigger webhook' }).click();
    await expect.poll(() => row.getByTestId('trigger-status').textContent()).toBe('Paused');
    expect((await hook()).status).toBe(404);
    // The API flag is no revision, and the YAML switch still says what the YAML says.
    expect(await revision()).toBe(1);
    expect(await row.getByRole('switch', { name: 'Trigger webhook enabled in the YAML' }).isChecked()).toBe(true);
    await screenshot(page, 'ui-trigger-paused.png');
    await page.reload();
    await expect.poll(() => row.getByTestId('trigger-status').textContent()).toBe('Paused');
    // The global Triggers page lists it paused too, and can resume it.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Triggers' }).click();
    const listed = page.locator('[data-trigger-row="company.team.trigger.webhook"]');
    await expect.poll(() => listed.getByTestId('trigger-status').textContent()).toBe('Paused');
    await screenshot(page, 'ui-triggers-page.png');
    await listed.getByRole('button', { name: 'Resume trigger webhook of company.team.trigger' }).click();
    await expect.poll(() => listed.getByTestId('trigger-status').textContent()).toBe('Active');
    expect((await hook()).status).toBe(200);
    await listed.getByRole('button', { name: 'Pause trigger webhook of company.team.trigger' }).click();
    await expect.poll(() => listed.getByTestId('trigger-status').textContent()).toBe('Paused');
    await listed.getByRole('link', { name: 'trigger', exact: true }).click();
    await page.waitForURL(/\/flows\/edit\/company\.team\/trigger\/triggers$/);
    expect(await row.getByTestId('trigger-why').innerText()).toContain('Paused through the API');
    await row.getByRole('button', { name: 'Resume trigger webhook' }).click();
    await expect.poll(() => row.getByTestId('trigger-status').textContent()).toBe('Active');
    expect((await hook()).status).toBe(200);
    expect(await revision()).toBe(1);
  });

  it('refreshes a trigger’s state while the tab is open: a schedule’s last execution appears and opens it', async () => {
    await createScheduled();
    await login();
    await page.goto(`${server.url}/ui/main/flows/edit/company.team/trigger/triggers`);
    const row = page.locator('[data-trigger="often"]');
    // No reopening of the tab: the periodic read brings each execution the clock starts.
    const link = row.getByTestId('trigger-last-execution').getByRole('link');
    await link.waitFor({ timeout: 15_000 });
    const first = (await link.textContent())?.trim() ?? '';
    expect(first).toMatch(/^[0-9A-Za-z]{22}$/);
    await expect.poll(async () => (await link.textContent())?.trim(), { timeout: 15_000 }).not.toBe(first);
    const id = (await link.textContent())?.trim() ?? '';
    await link.click();
    await page.waitForURL(new RegExp(`/ui/main/executions/company\\.team/trigger/${id}$`));
  });

  it('shows a schedule trigger’s next runs and its last tick, which opens the execution it started', async () => {
    await createScheduled();
    await login();
    await page.goto(`${server.url}/ui/main/flows/edit/company.team/trigger/triggers`);
    const row = page.locator('[data-trigger="often"]');
    await expect.poll(() => row.getByTestId('next-runs').locator('li').count()).toBe(5);
    expect(await row.getByTestId('next-runs').locator('li').first().textContent()).toMatch(/in \d+ s|due/);
    // The tab reads the schedules when it opens: reopen it until the clock has delivered a tick.
    const link = row.getByTestId('last-tick').getByRole('link');
    await expect.poll(async () => {
      if ((await link.count()) > 0) return true;
      await page.getByRole('tab', { name: 'Overview' }).click();
      await page.getByRole('tab', { name: 'Triggers' }).click();
      await row.getByTestId('next-runs').waitFor();
      return (await link.count()) > 0;
    }, { timeout: 15_000 }).toBe(true);
    await link.click();
    await page.waitForURL(/\/ui\/main\/executions\/company\.team\/trigger\/[0-9A-Za-z]{22}$/);
    const id = page.url().split('/').at(-1) ?? '';
    expect(((await (await api(`/api/v1/main/executions/${id}`)).json()) as { trigger?: { id: string } }).trigger?.id).toBe('often');
  });

  it('deletes an ended execution after a confirmation and returns to the list', async () => {
    expect((await api('/api/v1/main/flows', { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: seed })).status).toBe(200);
    const hook = await fetch(`${server.url}/api/v1/main/executions/webhook/company.team/trigger/${KEY}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    const { id } = (await hook.json()) as { id: string };
    await login();
    await page.goto(`${server.url}/ui/main/executions/company.team/trigger/${id}`);
    await page.getByTestId('state').first().filter({ hasText: 'SUCCESS' }).waitFor({ timeout: 15_000 });
    // Cancelling deletes nothing.
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete execution' });
    await dialog.getByText(`Delete execution ${id}`).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect((await api(`/api/v1/main/executions/${id}`)).status).toBe(200);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.waitForURL(/\/ui\/main\/executions$/);
    expect((await api(`/api/v1/main/executions/${id}`)).status).toBe(404);
    expect((await api(`/api/v1/main/logs/${id}`)).status).toBe(404);
  });

  it('renders every page and tab without a console error, at desktop and phone width', async () => {
    expect((await api('/api/v1/main/flows', { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: seed })).status).toBe(200);
    const hook = await fetch(`${server.url}/api/v1/main/executions/webhook/company.team/trigger/${KEY}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"customer":{"id":7}}' });
    const { id } = (await hook.json()) as { id: string };
    await login();
    const flow = '/ui/main/flows/edit/company.team/trigger';
    const execution = `/ui/main/executions/company.team/trigger/${id}`;
    const pages: [string, string][] = [
      ['/ui/main/flows', 'Flows'],
      ['/ui/main/executions?state=SUCCESS', 'Executions'],
      ['/ui/main/triggers', 'Triggers'],
      ['/ui/main/plugins', 'Plugins'],
      ['/ui/main/plugins/io.kestra.plugin.core.log.Log', 'Log a message'],
      ...['overview', 'executions', 'edit', 'revisions', 'triggers', 'logs'].map((tab): [string, string] => [`${flow}/${tab}`, 'trigger']),
      ...['overview', 'gantt', 'logs'].map((tab): [string, string] => [`${execution}/${tab}`, id]),
      ['/ui/main/nowhere', 'Page not found'],
    ];
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 800 });
      for (const [path, heading] of pages) {
        await page.goto(`${server.url}${path}`);
        await page.getByRole('heading', { name: heading }).first().waitFor();
        // Nothing wider than the screen: the page scrolls down, never sideways.
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      }
    }
    await page.goto(`${server.url}${execution}/overview`);
    await page.getByRole('button', { name: 'Copy {{ trigger.body.customer.id }}' }).click();
    await expect.poll(clipboard).toBe('{{ trigger.body.customer.id }}');
  });

  it('opens the execution the API’s url names', async () => {
    expect((await api('/api/v1/main/flows', { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: seed })).status).toBe(200);
    const hook = await fetch(`${server.url}/api/v1/main/executions/webhook/company.team/trigger/${KEY}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    const { id, url } = (await hook.json()) as { id: string; url: string };
    expect(url).toBe(`${server.url}/ui/main/executions/company.team/trigger/${id}`);
    await login();
    await page.goto(url);
    await expect.poll(() => page.locator('h1').textContent()).toBe(id);
    await page.getByTestId('state').first().filter({ hasText: 'SUCCESS' }).waitFor({ timeout: 15_000 });
  });

  it('links an execution a Subflow started to the execution that started it', async () => {
    const child = 'id: child\nnamespace: company.team\ntasks:\n  - id: hi\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';
    const parent = 'id: parent\nnamespace: company.team\ntasks:\n  - id: call\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: company.team\n    flowId: child\n';
    for (const body of [child, parent]) expect((await api('/api/v1/main/flows', { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body })).status).toBe(200);
    const started = await api('/api/v1/main/executions/company.team/parent', { method: 'POST' });
    expect(started.status).toBe(200);
    const { id } = (await started.json()) as { id: string };
    await expect.poll(async () => {
      const execution = (await (await api(`/api/v1/main/executions/${id}`)).json()) as { state: { current: string } };
      return execution.state.current;
    }, { timeout: 15_000 }).toBe('SUCCESS');
    const full = (await (await api(`/api/v1/main/executions/${id}`)).json()) as { taskRunList: { outputs: { executionId: string } }[] };
    const childId = full.taskRunList[0]?.outputs.executionId;
    await login();
    await page.goto(`${server.url}/ui/main/executions/company.team/child/${childId}/overview`);
    await page.getByTestId('parent-execution').click();
    await page.waitForURL(new RegExp(`/executions/company\\.team/parent/${id}$`));
    await expect.poll(() => page.locator('h1').textContent()).toBe(id);
  });

  it('never puts a key read from secret() in the page', async () => {
    const flow = `id: secretive\nnamespace: company.team\ntasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: hi\ntriggers:\n  - id: hook\n    type: io.kestra.plugin.core.trigger.Webhook\n    key: "{{ secret('HOOK_KEY') }}"\n`;
    expect((await api('/api/v1/main/flows', { method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: flow })).status).toBe(200);
    await login();
    const seen: string[] = [];
    const look = async () => seen.push(await page.content());
    await page.goto(`${server.url}/ui/main/flows/edit/company.team/secretive/triggers`);
    await page.getByTestId('webhook-url').waitFor();
    expect(await page.getByTestId('webhook-url').textContent()).toContain('/secretive/******');
    await look();
    await page.getByRole('button', { name: '⚡ Send test' }).click();
    await page.getByTestId('webhook-curl').waitFor();
    expect(await page.getByTestId('webhook-curl').innerText()).toContain('"$WEBHOOK_KEY"');
    await look();
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.waitForURL(/\/executions\/company\.team\/secretive\/[A-Za-z0-9]+$/);
    await page.getByTestId('state').first().filter({ hasText: 'SUCCESS' }).waitFor({ timeout: 15_000 });
    await look();
    await page.goto(`${server.url}/ui/main/flows/edit/company.team/secretive/edit`);
    await page.locator('.cm-content').waitFor();
    await look();
    for (const html of seen) {
      expect(html).not.toContain(SECRET_KEY);
      expect(html).not.toContain(Buffer.from(SECRET_KEY).toString('base64'));
    }
  });
});
