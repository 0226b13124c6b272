import { onBeforeUnmount, onMounted } from 'vue';

/**
 * Calls `load` when the component mounts and every `everyMs` while it stays mounted. A read
 * still running is not started again (a slow server never piles requests up behind the timer),
 * and a hidden tab skips its turns. Call it from a component's setup.
 */
export function useRefresh(load: () => Promise<void>, everyMs: number): void {
  let running = false;
  const once = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      await load();
    } finally {
      running = false;
    }
  };
  let timer: ReturnType<typeof setInterval> | undefined;
  onMounted(() => {
    void once();
    timer = setInterval(() => {
      if (!document.hidden) void once();
    }, everyMs);
  });
  onBeforeUnmount(() => clearInterval(timer));
}
