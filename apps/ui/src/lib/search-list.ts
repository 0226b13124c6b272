import { computed, ref, watch, type Ref } from 'vue';
import type { Page } from '../api/types.js';

/**
 * The state of a searched, paged list page: the search box (read 250 ms after the last key, back
 * to page 1), the page number, the rows and the total. `afterPage` runs on each page read (the
 * flows list then asks for their last executions). Call `load` when the page mounts.
 */
export function useSearchList<T>(
  fetchPage: (q: string, page: number, size: number) => Promise<Page<T>>,
  size: number,
  afterPage?: (rows: readonly T[]) => Promise<void>,
) {
  const q = ref('');
  const page = ref(1);
  const rows = ref([]) as Ref<readonly T[]>;
  const total = ref(0);
  const error = ref<string>();
  const loaded = ref(false);
  async function load(): Promise<void> {
    try {
      const found = await fetchPage(q.value.trim(), page.value, size);
      rows.value = found.results;
      total.value = found.total;
      error.value = undefined;
      if (afterPage && found.results.length > 0) await afterPage(found.results);
    } catch (e) {
      error.value = (e as Error).message;
    } finally {
      loaded.value = true;
    }
  }
  const pages = computed(() => Math.max(1, Math.ceil(total.value / size)));
  let typing: ReturnType<typeof setTimeout> | undefined;
  watch(q, () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      page.value = 1;
      void load();
    }, 250);
  });
  watch(page, () => void load());
  return { q, page, rows, total, error, loaded, pages, load };
}
