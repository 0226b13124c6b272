// Flow folders (SLUICE_FLOWS_DIR) for scenarios that need flows of their own, written under the
// run's temporary folder: copies of the seed flow, each with its own id and webhook key.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A new, empty flows folder of the run. */
export function flowsFolder(ctx, name) {
  const dir = join(ctx.tmpDir, `flows-${name}`);
  mkdirSync(dir);
  return dir;
}

/** A webhook key of 22 URL-safe characters (as long as the seed's), the same for an id in every run. */
export const webhookKeyOf = (flowId) => createHash('sha256').update(`sluice-bench:${flowId}`).digest('base64url').slice(0, 22);

/** The seed flow with another id and key; throws if the seed no longer has the lines replaced. */
export function seedCopy(seed, flowId, key) {
  const copy = seed.replace(/^id: trigger$/m, `id: ${flowId}`).replace(/^(\s+)key: \S+$/m, `$1key: ${key}`);
  if (!copy.includes(`id: ${flowId}\n`) || !copy.includes(`key: ${key}\n`)) throw new Error('bench: could not derive a copy of the seed flow (its id or key line changed)');
  return copy;
}

/** Writes `count` copies of the seed flow into `dir`; returns their webhooks as [{ flowId, key }]. */
export function writeSeedCopies(ctx, dir, count, prefix) {
  const hooks = [];
  for (let i = 0; i < count; i++) {
    const flowId = `${prefix}_${String(i).padStart(5, '0')}`;
    const key = webhookKeyOf(flowId);
    writeFileSync(join(dir, `company.team.${flowId}.yaml`), seedCopy(ctx.seedFlow, flowId, key));
    hooks.push({ flowId, key });
  }
  return hooks;
}
