import { defineTrigger, definePluginPackage, isSluiceError, type AnyTrigger, type PluginPackage } from '@sluice/core';
import { createRegistry, parseFlow, type PluginRegistry } from '@sluice/engine';

/**
 * A registry holding `trigger` (and `packages`), to save flows through the engine's `parseFlow`
 * as the host does. While the loader refuses the poll and listen modes
 * (`PLUGIN_MODE_UNSUPPORTED`, until the host runs them), the trigger is registered as a webhook
 * twin with the same type, props schema and `check`: what is refused at save depends on those
 * alone, never on the mode. Once the host runs the mode, the trigger itself is registered.
 */
export function registryWith(trigger: AnyTrigger, packages: readonly PluginPackage[] = []): PluginRegistry {
  const others = packages.map((pkg, index) => ({ pkg, info: { name: `dependency-${index}`, version: '0.0.0', path: '/dev/null', types: [] } }));
  const build = (definition: AnyTrigger) =>
    createRegistry([{ pkg: definePluginPackage({ triggers: [definition] }), info: { name: 'under-test', version: '0.0.0', path: '/dev/null', types: [] } }, ...others]);
  try {
    return build(trigger);
  } catch (error) {
    if (!isSluiceError(error, 'PLUGIN_MODE_UNSUPPORTED')) throw error;
    const { type, aliases, title, description, props, variables, examples, check } = trigger;
    const twin = defineTrigger({
      mode: 'webhook',
      type,
      ...(aliases === undefined ? {} : { aliases }),
      title,
      description,
      props,
      variables,
      examples,
      ...(check === undefined ? {} : { check }),
      receive: () => ({ kind: 'not-matched' }),
    });
    return build(twin as AnyTrigger);
  }
}

/** The problems of saving `source`, as `line:column CODE path: message`; none when it saves. */
export function saveProblems(source: string, registry: PluginRegistry): string[] {
  const result = parseFlow(source, registry, { tenantId: 'main' });
  return result.ok ? [] : result.errors.map((p) => `${p.line}:${p.column} ${p.code} ${p.path}: ${p.message}`);
}

/**
 * The props of the first trigger of `source` as the host hands them to the trigger: parsed by
 * `parseFlow`, every string rendered with `render` (the host renders `{{ secret() }}` and `flow`).
 */
export function triggerProps(source: string, registry: PluginRegistry, render: (template: string) => string): Record<string, unknown> {
  const result = parseFlow(source, registry, { tenantId: 'main' });
  if (!result.ok) throw new Error(`the flow does not save: ${result.errors.map((p) => p.message).join('; ')}`);
  const props = result.flow.triggers[0]?.props ?? {};
  return Object.fromEntries(Object.entries(props).map(([name, value]) => [name, typeof value === 'string' ? render(value) : value]));
}

/** The `message` of the flow's first Log task, to render with an example's trigger variables. */
export function logMessageOf(source: string, registry: PluginRegistry): string {
  const result = parseFlow(source, registry, { tenantId: 'main' });
  const message = result.ok ? result.flow.tasks[0]?.props.message : undefined;
  if (typeof message !== 'string') throw new Error('the example has no Log task first');
  return message;
}
