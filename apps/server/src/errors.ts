import { defineErrorCatalog } from '@sluice/core';

/** Every code the server raises. */
export const serverErrors = defineErrorCatalog({
  CONFIG_INVALID: (problems: readonly string[]) => `invalid configuration:\n  - ${problems.join('\n  - ')}`,
  ROLE_NEEDS_REDIS: (role: string) =>
    `the '${role}' role shares its queue with other processes, so it needs Redis: set REDIS_URL (or run 'sluice server standalone')`,
  USAGE: (message: string) => message,
  /** A request authenticated by the session cookie lacks its proofs of origin (403). */
  CSRF_REFUSED: (reason: string) => reason,
  /** A flow from the flows folder, which the API does not change (409). */
  FLOW_READ_ONLY: (reason: string) => reason,
  /** A flow save named a revision (`If-Match`) that is no longer the latest (409). */
  FLOW_REVISION_CONFLICT: (message: string) => message,
  /** A delete of an execution that has not ended (409). */
  EXECUTION_NOT_ENDED: (message: string) => message,
  /** A resume of an execution that no Pause task holds paused (409). */
  EXECUTION_NOT_PAUSED: (message: string) => message,
  /** A kill of an execution that has already ended (409). */
  EXECUTION_ENDED: (message: string) => message,
  /** A restart of an execution whose state is not FAILED, KILLED or WARNING (409), or with no failed task run (422). */
  EXECUTION_NOT_RESTARTABLE: (message: string) => message,
  /** An execution that changed under a control (kill, restart, replay) every time it was read (409): try again. */
  EXECUTION_CHANGED: (message: string) => message,
  /** No built web UI where the server looks for it (503). */
  UI_NOT_BUILT: (dir: string) => `the web UI is not built: no index.html in ${dir}. Run \`pnpm build\` in the repository (or set SLUICE_UI_DIR to a folder holding a built UI)`,
  /** The HTTP server could not bind (the port is taken, or not ours to take): said plainly, not as a stack. */
  LISTEN_FAILED: (what: string, host: string, port: number, reason: string) => `cannot listen for ${what} on ${host}:${port}: ${reason}`,
  /** A listen trigger's emit after the host began stopping it: the event was not stored, so it must not be acknowledged. */
  TRIGGER_STOPPED: (trigger: string) => `trigger ${trigger} is stopping: the event was not stored; leave it unacknowledged so it is delivered again`,
  /** No such trigger in the flow (404). */
  TRIGGER_NOT_FOUND: (trigger: string) => `trigger ${trigger} not found`,
});
