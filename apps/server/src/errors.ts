import { defineErrorCatalog } from '@sluice/core';

/** Every code the server raises. */
export const serverErrors = defineErrorCatalog({
  CONFIG_INVALID: (problems: readonly string[]) => `invalid configuration:\n  - ${problems.join('\n  - ')}`,
  ROLE_NEEDS_REDIS: (role: string) =>
    `the '${role}' role shares its queue with other processes, so it needs Redis: set REDIS_URL (or run 'sluice server standalone')`,
  USAGE: (message: string) => message,
  /** The HTTP server could not bind (the port is taken, or not ours to take): said plainly, not as a stack. */
  LISTEN_FAILED: (what: string, host: string, port: number, reason: string) => `cannot listen for ${what} on ${host}:${port}: ${reason}`,
});
