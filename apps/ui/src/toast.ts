import { ref } from 'vue';

export interface Toast {
  readonly id: number;
  readonly text: string;
  readonly kind: 'info' | 'error';
}

/** The toasts on screen; each leaves by itself after a few seconds. */
export const toasts = ref<Toast[]>([]);
let next = 1;

export function toast(text: string, kind: Toast['kind'] = 'info'): void {
  const id = next++;
  toasts.value = [...toasts.value, { id, text, kind }].slice(-4);
  setTimeout(() => dismiss(id), kind === 'error' ? 7000 : 3500);
}

export function dismiss(id: number): void {
  toasts.value = toasts.value.filter((t) => t.id !== id);
}
