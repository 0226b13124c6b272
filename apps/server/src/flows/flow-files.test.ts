import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlowFiles, flowFileName } from './flow-files.js';

const key = (namespace: string, id: string) => ({ tenantId: 'main', namespace, id });
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-flow-files-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('flow file names', () => {
  it('never give two flows one file', () => {
    const names = [
      flowFileName(key('a.b', 'x.y')),
      flowFileName(key('a.b.x', 'y')),
      flowFileName(key('company', 'Flow')),
      flowFileName(key('company', 'flow')),
      flowFileName(key('n'.repeat(150), `${'i'.repeat(99)}a`)),
      flowFileName(key('n'.repeat(150), `${'i'.repeat(99)}b`)),
    ];
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
  });

  it('stay far under 255 bytes for the longest namespace and id the schema accepts', () => {
    expect(Buffer.byteLength(flowFileName(key('n'.repeat(150), 'i'.repeat(100))))).toBeLessThan(160);
  });
});

describe('createFlowFiles', () => {
  it('writes the longest names, and flows that used to share a file each to their own', () => {
    const dir = tempDir();
    const files = createFlowFiles(dir);
    for (const [k, text] of [[key('n'.repeat(150), 'i'.repeat(100)), 'long'], [key('a.b', 'x.y'), 'first'], [key('a.b.x', 'y'), 'second']] as const) {
      files.prepare(k, text).commit();
    }
    expect(readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).sort()).toEqual(['first', 'long', 'second']);
    files.remove(key('a.b', 'x.y'));
    expect(readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).sort()).toEqual(['long', 'second']);
  });

  it('leaves nothing when the write fails or is aborted, and the old file when not committed', () => {
    const dir = tempDir();
    const files = createFlowFiles(dir);
    const k = key('company', 'flow');
    files.prepare(k, 'v1').commit();
    files.prepare(k, 'v2').abort();
    expect(readdirSync(dir)).toEqual([flowFileName(k)]);
    expect(readFileSync(join(dir, flowFileName(k)), 'utf8')).toBe('v1');
    rmSync(dir, { recursive: true });
    expect(() => files.prepare(key('company', 'other'), 'x')).toThrow();
    expect(existsSync(dir)).toBe(false);
  });
});
