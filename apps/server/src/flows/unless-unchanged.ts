import type { FlowRepository } from '@sluice/engine';

/** A pass over every flow runs at least once in this many periods, whatever the version says. */
export const FULL_PASS_EVERY = 10;

/**
 * Gates a periodic pass over every flow (the flow index's reload, the schedules' resync): the
 * pass runs when the tenants' flow version moved since the last pass that succeeded, when the
 * caller forces it, and at least once every `fullEvery` periods; otherwise it is skipped for one
 * read. The version is read before the pass, so a change made during it shows next time.
 */
export function unlessUnchanged(
  flows: Pick<FlowRepository, 'version'>,
  tenants: readonly string[],
  fullEvery = FULL_PASS_EVERY,
): (pass: () => Promise<void>, force?: boolean) => Promise<void> {
  let passed: string | undefined;
  let skipped = 0;
  return async (pass, force = false) => {
    const version = (await Promise.all(tenants.map((tenant) => flows.version(tenant)))).join('\u0000');
    if (!force && version === passed && skipped < fullEvery - 1) {
      skipped++;
      return;
    }
    await pass();
    passed = version;
    skipped = 0;
  };
}
