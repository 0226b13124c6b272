import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { applyPretenuring, PRETENURING_OFF_FLAG } from './pretenuring.js';

describe('applyPretenuring', () => {
  it('leaves a flag given to node as it is, on the command line or in NODE_OPTIONS', () => {
    expect(applyPretenuring('off', ['--allocation-site-pretenuring'], '')).toEqual({ enabled: true, source: 'node flag' });
    expect(applyPretenuring('on', [], '--max-old-space-size=512 --no-allocation-site-pretenuring')).toEqual({ enabled: false, source: 'node flag' });
    expect(applyPretenuring('on', [], '--no_allocation_site_pretenuring')).toEqual({ enabled: false, source: 'node flag' });
  });

  it('keeps V8 pretenuring when the setting is on', () => {
    expect(applyPretenuring('on', ['--allocation-site-pretenuring-x'], '')).toEqual({ enabled: true, source: 'setting' });
  });

  // Set in a child process, as the server sets it at start: V8 knows the flag (a misspelled one
  // prints "unrecognized flag" on stderr), and the process goes on allocating and collecting.
  it('sets a flag V8 takes after start', () => {
    const script = `
      const v8 = await import('node:v8');
      v8.setFlagsFromString(${JSON.stringify(PRETENURING_OFF_FLAG)});
      const keep = [];
      for (let i = 0; i < 200000; i++) keep.push({ i, text: 'x' + i });
      process.stdout.write(String(keep.length));
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('200000');
  });
});
