import type { Execution, Runtime } from '@sluice/engine';

/**
 * Waits for an execution's terminal event, at most `timeoutMs`. Subscribes before returning,
 * so it must be called before the execution is queued. `promise` resolves with the ended
 * execution: the one the event carries, else read back once the event came (the runtime stored
 * it before announcing its end). It resolves undefined on timeout or cancel, and always
 * unsubscribes.
 */
export async function waitForEnd(
  runtime: Pick<Runtime, 'events' | 'executions'>,
  executionId: string,
  timeoutMs: number,
): Promise<{ promise: Promise<Execution | undefined>; cancel: () => Promise<void> }> {
  let settle: (ended: Execution | true | undefined) => void = () => undefined;
  const ended = new Promise<Execution | true | undefined>((resolve) => (settle = resolve));
  const unsubscribe = await runtime.events.subscribe(executionId, (event) => {
    if (event.terminated) settle(event.execution ?? true);
  });
  const timer = setTimeout(() => settle(undefined), timeoutMs);
  const done = ended.finally(async () => {
    clearTimeout(timer);
    await unsubscribe();
  });
  const promise = done.then(async (end) => (end === true ? await runtime.executions.get(executionId) : end));
  // A caller that stopped waiting (it cancelled, or its own step failed) must not be taken down
  // by a read it no longer awaits; whoever awaits `promise` still sees the failure.
  promise.catch(() => undefined);
  return {
    promise,
    cancel: async () => {
      settle(undefined);
      await done;
    },
  };
}
