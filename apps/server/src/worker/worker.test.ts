import { describe, expect, it } from 'vitest';
import { createConsumptionCheck } from './worker.js';

function setup(concurrency = 2) {
  let clock = 0;
  let waiting = 0;
  let down = false;
  const changes: [boolean, string][] = [];
  const check = createConsumptionCheck({
    queue: {
      counts: async () => {
        if (down) throw new Error('connection refused');
        return { waiting, active: 0, completed: 0, failed: 0 };
      },
    },
    concurrency,
    windowMs: 5000,
    everyMs: 60_000,
    now: () => clock,
    onChange: (consuming, detail) => changes.push([consuming, detail]),
  });
  return {
    check,
    changes,
    at: (ms: number) => (clock = ms),
    waiting: (n: number) => (waiting = n),
    down: (value: boolean) => (down = value),
  };
}

describe('the consumption check behind readiness', () => {
  it('an idle worker with nothing waiting is consuming', async () => {
    const t = setup();
    t.at(60_000);
    await t.check.tick();
    expect(t.check.consuming()).toBe(true);
    t.check.stop();
  });

  it('jobs waiting past the window while a slot is free and none is taken: not consuming, until one is taken', async () => {
    const t = setup();
    t.waiting(3);
    t.at(1000);
    await t.check.tick();
    t.at(5999);
    await t.check.tick();
    expect(t.check.consuming()).toBe(true);
    t.at(6000);
    await t.check.tick();
    expect(t.check.consuming()).toBe(false);
    expect(t.changes.at(-1)?.[1]).toMatch(/3 execution\(s\) wait, a slot is free, and none was taken for 5000 ms/);
    t.check.taken();
    expect(t.check.consuming()).toBe(true);
    t.check.stop();
  });

  it('taking jobs keeps restarting the window, so a worker that keeps up is consuming however long jobs wait', async () => {
    const t = setup();
    t.waiting(100);
    for (let ms = 0; ms <= 60_000; ms += 1000) {
      t.at(ms);
      if (ms % 4000 === 0) t.check.taken().done();
      await t.check.tick();
      expect(t.check.consuming(), `at ${ms} ms`).toBe(true);
    }
    t.check.stop();
  });

  it('a worker whose every slot is busy is consuming, whatever waits', async () => {
    const t = setup(1);
    t.waiting(50);
    t.check.taken();
    for (const ms of [0, 10_000, 20_000]) {
      t.at(ms);
      await t.check.tick();
    }
    expect(t.check.consuming()).toBe(true);
    t.check.stop();
  });

  it('a queue that cannot be read is not consuming; readable and empty again, it is', async () => {
    const t = setup();
    t.down(true);
    await t.check.tick();
    expect(t.check.consuming()).toBe(false);
    expect(t.changes.at(-1)?.[1]).toMatch(/cannot be read \(connection refused\)/);
    t.down(false);
    await t.check.tick();
    expect(t.check.consuming()).toBe(true);
    t.check.stop();
  });
});
