import { ref } from 'vue';
import * as api from './api/api.js';

const value = ref<Record<string, unknown>>();
let pending: Promise<void> | undefined;

/** The flow JSON Schema for editor completion, fetched once; a failure leaves completion off. */
export const schema = {
  value,
  load(): Promise<void> {
    pending ??= api.flowSchema().then((s) => { value.value = s; }, () => { pending = undefined; });
    return pending;
  },
};
