import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from './support/server-process.js';

// With no credentials configured, the first start creates a strong password, prints it once
// (to the terminal, never to the JSON log) and keeps only a hash; later starts print nothing
// and the same password still works.

const CREATED = /API credentials created \(shown once\): user (\S+)\s+password (\S+)/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('generated API credentials', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  let username = '';
  let password = '';
  // Unset the helper's default credentials; a data folder of our own.
  const env = () => ({ SLUICE_USERNAME: undefined, SLUICE_PASSWORD: undefined, SLUICE_DATA_DIR: dataDir, SLUICE_SHUTDOWN_GRACE_MS: '500' });
  const call = (user: string, pass: string) =>
    fetch(`${server!.url}/api/v1/main/flows/search`, { headers: { authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` }, signal: AbortSignal.timeout(10_000) });

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sluice-credentials-'));
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the first start prints a strong password once and keeps only its hash', async () => {
    server = await startServer(['server', 'standalone'], env());
    const printed = server.lines.filter((l) => CREATED.test(l));
    expect(printed).toHaveLength(1);
    [, username = '', password = ''] = CREATED.exec(printed[0]!)!;
    expect(username).toBe('admin');
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(password).toMatch(/^[A-Za-z0-9_-]+$/);
    // Printed for a person, outside the JSON log, and nowhere else in the output.
    expect(() => JSON.parse(printed[0]!)).toThrow();
    expect(server.lines.filter((l) => l.includes(password))).toEqual(printed);

    const stored = filesUnder(dataDir);
    expect(stored.map((f) => f.slice(dataDir.length + 1))).toContain('credentials.json');
    for (const file of stored) expect(readFileSync(file, 'utf8'), file).not.toContain(password);
    const credentials = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as Record<string, string>;
    expect(credentials.username).toBe('admin');
    expect(credentials.hash).toMatch(/\S{16,}/);
    expect(statSync(join(dataDir, 'credentials.json')).mode & 0o077).toBe(0);

    expect((await call(username, password)).status).toBe(200);
    expect((await call(username, `${password}x`)).status).toBe(401);
    expect((await call('someone', password)).status).toBe(401);
  });

  it('a restart prints no password, and the same password still works', async () => {
    expect(password).not.toBe('');
    server = await startServer(['server', 'standalone'], env());
    expect(server.lines.filter((l) => CREATED.test(l))).toEqual([]);
    expect(server.lines.filter((l) => l.includes(password))).toEqual([]);
    expect((await call(username, password)).status).toBe(200);
    expect(readFileSync(join(dataDir, 'credentials.json'), 'utf8')).not.toContain(password);
  });
});
