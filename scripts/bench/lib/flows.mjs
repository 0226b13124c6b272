// Flow folders (SLUICE_FLOWS_DIR) for scenarios that need flows of their own, written under the
// run's temporary folder: copies of the seed flow, each with its own id and webhook key.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './modules.mjs';

/**
 * A new temporary folder (`sluice-<name>-*`) with a `flows` folder holding the seed flow as
 * shipped and `trigger_wait`, a copy whose webhook waits for the execution's end (`wait: true`).
 * Throws if the copy cannot be derived (the seed's id or key line changed).
 */
export function seedFlowsFolder(name) {
  const tmpDir = mkdtempSync(join(tmpdir(), `sluice-${name}-`));
  const flowsDir = join(tmpDir, 'flows');
  mkdirSync(flowsDir);
  const seedFlow = readFileSync(join(root, 'apps/server/examples/flows/company.team.trigger.yaml'), 'utf8');
  writeFileSync(join(flowsDir, 'company.team.trigger.yaml'), seedFlow);
  const waitFlow = seedFlow.replace(/^id: trigger$/m, 'id: trigger_wait').replace(/^(\s+)key: (\S+)$/m, '$1key: $2\n$1wait: true');
  if (!waitFlow.includes('wait: true') || !waitFlow.includes('id: trigger_wait')) throw new Error('bench: could not derive the wait: true copy of the seed flow');
  writeFileSync(join(flowsDir, 'company.team.trigger_wait.yaml'), waitFlow);
  return { tmpDir, flowsDir, seedFlow };
}

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
