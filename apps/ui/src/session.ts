import { ref } from 'vue';
import * as api from './api/api.js';
import type { Session } from './api/types.js';

/** Who is logged in; undefined until /session answered, null when nobody is. */
export const session = ref<Session | null | undefined>(undefined);

/** Asks the server once whether the session cookie is still good. */
export async function loadSession(): Promise<Session | null> {
  if (session.value !== undefined) return session.value;
  try {
    session.value = await api.currentSession();
  } catch {
    session.value = null;
  }
  return session.value;
}
