import type { PluginPackage } from '@sluice/core';
import { parseFlow, type FlowProblem } from '@sluice/engine';
import { asPackage, buildRegistry, type ExampleTarget } from './example-registry.js';

/**
 * Options of {@link validateFlow}.
 * @public
 */
export interface ValidateFlowOptions {
  /** Other plugin packages the flow uses. */
  readonly packages?: readonly PluginPackage[];
  /** Tenant of the flow; `main`. */
  readonly tenantId?: string;
}

/**
 * Validates a flow the way the host does when it is saved (the engine's `parseFlow` against a
 * registry of `target` plus `options.packages`) and returns its problems, empty when the flow
 * is valid. Use it to test what your props schema accepts and refuses at save time.
 *
 * @example
 * ```ts
 * const problems = validateFlow(yaml, plugin);
 * expect(problems).toEqual([expect.objectContaining({ path: 'tasks[0].level' })]);
 * ```
 * @public
 */
export function validateFlow(source: string, target: ExampleTarget, options: ValidateFlowOptions = {}): readonly FlowProblem[] {
  const registry = buildRegistry(asPackage(target), options.packages ?? []);
  const result = parseFlow(source, registry, { tenantId: options.tenantId ?? 'main' });
  return result.ok ? [] : result.errors;
}
