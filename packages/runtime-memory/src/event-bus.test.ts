import { describe, expect, it } from 'vitest';
import type { Execution, ExecutionEvent } from '@sluice/engine';
import { anExecution } from '@sluice/runtime-contract';
import { createEventBus } from './event-bus.js';
import { createGuard } from './guard.js';

describe('the in-process event bus', () => {
  it('makes the execution a terminal event carries only when a listener takes that event, once for all', async () => {
    const bus = createEventBus(createGuard('memory'));
    const execution = Object.freeze(anExecution()) as Execution;
    let made = 0;
    const saved = () => {
      made++;
      return execution;
    };
    const ended: ExecutionEvent = { executionId: execution.id, state: 'SUCCESS', terminated: true };
    // No one follows it: nothing is made.
    bus.announce([ended], saved);
    expect(made).toBe(0);
    // A worker's kill listener reads KILLING events alone: still nothing.
    const kills: ExecutionEvent[] = [];
    await bus.subscribe(execution.id, (event) => kills.push(event), { killsOnly: true });
    bus.announce([{ executionId: execution.id, state: 'RUNNING', terminated: false }, ended], saved);
    expect(made).toBe(0);
    expect(kills).toEqual([]);
    // Two followers of the end: made once, and the same frozen event reaches both.
    const heard: ExecutionEvent[] = [];
    await bus.subscribe(execution.id, (event) => heard.push(event));
    await bus.subscribe(execution.id, (event) => heard.push(event));
    bus.announce([ended], saved);
    expect(made).toBe(1);
    expect(heard).toHaveLength(2);
    expect(heard[0]).toBe(heard[1]);
    expect(heard[0]?.execution).toBe(execution);
    // A kill reaches the kill listener.
    bus.announce([{ executionId: execution.id, state: 'KILLING', terminated: false }], saved);
    expect(kills.map((event) => event.state)).toEqual(['KILLING']);
  });
});
