#!/usr/bin/env node
import { isSluiceError } from '@sluice/core';
import { writeFlowJsonSchema } from '@sluice/engine';
import { loadConfig } from './config/load-config.js';
import { ConfigSchema } from './config/config.schema.js';
import { loadServerPlugins } from './plugins/load-server-plugins.js';
import { startServer } from './start-server.js';
import type { Role } from './runtime/select-runtime.js';

const USAGE = `usage:
  sluice server standalone [--examples]   HTTP API, webhooks and a worker in one process
  sluice server webserver                 HTTP API and webhooks only (needs REDIS_URL)
  sluice worker                           runs executions only (needs REDIS_URL)
  sluice flow-schema <file>               writes the flow JSON Schema for YAML editors
  sluice config                           lists the settings (environment variables)`;

async function main(argv: readonly string[]): Promise<void> {
  const [command, sub] = argv;
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  let role: Role | undefined;
  if (command === 'server' && (sub === 'standalone' || sub === 'webserver')) role = sub;
  else if (command === 'worker') role = 'worker';
  else if (command === 'flow-schema' && sub) {
    const { registry } = await loadServerPlugins(loadConfig());
    await writeFlowJsonSchema(registry, sub);
    process.stdout.write(`wrote the flow JSON Schema to ${sub}\n`);
    return;
  } else if (command === 'config') {
    for (const [key, schema] of Object.entries(ConfigSchema.properties)) {
      const def = (schema as { default?: unknown }).default;
      process.stdout.write(`${key.padEnd(28)}${(schema as { description?: string }).description ?? ''}${def !== undefined ? ` (default ${String(def)})` : ''}\n`);
    }
    return;
  } else {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = command === undefined || command === '--help' || command === 'help' ? 0 : 2;
    return;
  }
  const running = await startServer({ role, examples: flags.has('--examples') });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // The stop keeps to the grace on its own; this is the backstop should anything in it hang.
      const hardStopMs = running.context.config.SLUICE_SHUTDOWN_GRACE_MS + 1000;
      setTimeout(() => {
        running.context.logger.error({ graceMs: running.context.config.SLUICE_SHUTDOWN_GRACE_MS }, `not stopped ${hardStopMs} ms after ${signal}: exiting now`);
        process.exit(1);
      }, hardStopMs).unref();
      void running.stop(signal).then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

// `sluice config | head` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).catch((error: unknown) => {
  // Coded errors (bad config, a plugin that failed to load) are for people: print the message alone.
  process.stderr.write(`sluice: ${isSluiceError(error) ? `${error.message} [${error.code}]` : (error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
