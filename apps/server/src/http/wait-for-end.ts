import type { ExecutionEvents } from '@sluice/engine';

/**
 * Waits for an execution's terminal event, at most `timeoutMs`. Subscribes before returning,
 * so it must be called before the execution is queued. `promise` resolves true when the
 * execution ended, false on timeout; it always unsubscribes.
 */
export async function waitForEnd(events: ExecutionEvents, executionId: string, timeoutMs: number): Promise<{ promise: Promise<boolean>; cancel: () => Promise<void> }> {
  let settle: (ended: boolean) => void = () => undefined;
  const promise = new Promise<boolean>((resolve) => (settle = resolve));
  const unsubscribe = await events.subscribe(executionId, (event) => {
    if (event.terminated) settle(true);
  });
  const timer = setTimeout(() => settle(false), timeoutMs);
  const done = promise.finally(async () => {
    clearTimeout(timer);
    await unsubscribe();
  });
  return {
    promise: done,
    cancel: async () => {
      settle(false);
      await done;
    },
  };
}
