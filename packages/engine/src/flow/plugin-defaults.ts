import { engineErrors } from '../errors.js';
import type { PluginRegistry, RegisteredTask, RegisteredTrigger } from '../plugins/types.js';
import type { PathSegment } from '../plugins/value-errors.js';
import { segmentsToPath } from '../plugins/value-errors.js';
import { deepMerge } from './deep-merge.js';
import { TASK_ENVELOPE_KEYS, TRIGGER_ENVELOPE_KEYS } from './envelope.js';
import { isMapping, type Reporter } from './report.js';

const { FLOW_SCHEMA, FLOW_INVALID_PROPS, PLUGIN_UNKNOWN_TYPE } = engineErrors.codes;

/** The flow keys that hold defaults: Kestra's name, then its name before 0.18. */
const DEFAULT_LISTS = ['pluginDefaults', 'taskDefaults'] as const;
/** The lists whose items (and the items nested in them) are tasks or triggers. */
const PLUGIN_LISTS = ['tasks', 'errors', 'finally', 'afterExecution', 'triggers'] as const;

type Entry = RegisteredTask | RegisteredTrigger;

/** One default as written, with what it matches. */
interface Default {
  readonly type: string;
  /** The canonical type when `type` names one plugin (or its alias); undefined for a prefix. */
  readonly exact: string | undefined;
  readonly forced: boolean;
  readonly values: Readonly<Record<string, unknown>>;
  readonly at: readonly PathSegment[];
}

/**
 * Where a value of the flow came from when a plugin default set it: its path in the flow
 * (`tasks[0].message`) to the default's value (`pluginDefaults[0].values.message`), so a problem
 * with it points at the line that wrote it.
 */
export type DefaultOrigins = ReadonlyMap<string, readonly PathSegment[]>;

const entries = (registry: PluginRegistry): Entry[] => [...registry.tasks(), ...registry.triggers()];
const typesOf = (entry: Entry): string[] => [entry.type, ...(entry.definition.aliases ?? [])];
const envelopeOf = (entry: Entry) => (entry.kind === 'task' ? TASK_ENVELOPE_KEYS : TRIGGER_ENVELOPE_KEYS);
const declares = (entry: Entry, key: string): boolean =>
  (key !== 'id' && key !== 'type' && envelopeOf(entry).has(key)) || Object.hasOwn((entry.definition.props as { properties: object }).properties, key);

/** The registered entries a default's type covers: the one it names, or every one under a prefix (Kestra: `startsWith`). */
function covered(registry: PluginRegistry, type: string): Entry[] {
  const exact = registry.task(type) ?? registry.trigger(type);
  if (exact) return [exact];
  return entries(registry).filter((entry) => typesOf(entry).some((t) => t.startsWith(type)));
}

/**
 * Reads and checks the flow's defaults. A default must name a loaded type or a prefix of one,
 * and each of its values must be a property some covered plugin declares (its own props or the
 * task envelope, `id` and `type` excepted): a default that could set nothing would be accepted and
 * ignored. The shape of each entry is the envelope schema's job; malformed ones are skipped here.
 */
function readDefaults(flow: Record<string, unknown>, registry: PluginRegistry, reporter: Reporter): Default[] {
  const out: Default[] = [];
  for (const list of DEFAULT_LISTS) {
    const items = flow[list];
    if (!Array.isArray(items)) continue;
    items.forEach((item: unknown, i) => {
      if (!isMapping(item) || typeof item.type !== 'string' || item.type === '' || !isMapping(item.values)) return;
      const at: PathSegment[] = [list, i];
      const plugins = covered(registry, item.type);
      if (plugins.length === 0) {
        const near = registry.suggest(item.type, 3);
        const hint = near.length > 0 ? `; did you mean ${near.join(', ')}?` : '';
        reporter.add(PLUGIN_UNKNOWN_TYPE, [...at, 'type'], `no loaded task or trigger type is or starts with '${item.type}'${hint}`);
        return;
      }
      let valid = true;
      for (const key of Object.keys(item.values)) {
        if (key === 'id' || key === 'type') {
          reporter.add(FLOW_SCHEMA, [...at, 'values', key], `a plugin default cannot set '${key}'`, 'key');
          valid = false;
        } else if (!plugins.some((plugin) => declares(plugin, key))) {
          const message = plugins.length === 1 ? `'${plugins[0]?.type}' has no property '${key}'` : `no type under '${item.type}' has a property '${key}'`;
          reporter.add(FLOW_INVALID_PROPS, [...at, 'values', key], message, 'key');
          valid = false;
        }
      }
      if (!valid) return;
      const exact = registry.task(item.type) ?? registry.trigger(item.type);
      out.push({ type: item.type, exact: exact?.type, forced: item.forced === true, values: item.values, at });
    });
  }
  return out;
}

function matches(found: Default, written: string, entry: Entry): boolean {
  if (found.exact !== undefined) return found.exact === entry.type;
  return written.startsWith(found.type) || entry.type.startsWith(found.type);
}

/**
 * One task or trigger with the defaults that match it merged in, Kestra's way: the values of
 * the non-forced defaults under what the task wrote, the forced ones over it; on a conflict the
 * default listed first wins. A default under a prefix sets only the keys the plugin declares.
 */
function withDefaults(
  item: Record<string, unknown>,
  entry: Entry,
  defaults: readonly Default[],
  at: readonly PathSegment[],
  origins: Map<string, readonly PathSegment[]>,
): Record<string, unknown> {
  const matching = defaults.filter((d) => matches(d, item.type as string, entry));
  if (matching.length === 0) return item;
  const valuesOf = (d: Default) => Object.fromEntries(Object.entries(d.values).filter(([key]) => declares(entry, key)));
  let result: Record<string, unknown> = item;
  const set = (d: Default, values: Record<string, unknown>) => {
    for (const key of Object.keys(values)) {
      const written = result[key];
      // A default that replaces or fills a value whole owns it; a mapping merged into one the task wrote is shared, and left to the task.
      if (d.forced ? !(isMapping(written) && isMapping(values[key])) : written === undefined || written === null) {
        origins.set(segmentsToPath([...at, key]), [...d.at, 'values', key]);
      }
    }
  };
  for (const d of matching.filter((m) => !m.forced)) {
    const values = valuesOf(d);
    set(d, values);
    result = deepMerge(values, result);
  }
  for (const d of matching.filter((m) => m.forced).reverse()) {
    const values = valuesOf(d);
    set(d, values);
    result = deepMerge(result, values);
  }
  return result;
}

/**
 * Applies the flow's `pluginDefaults` (and `taskDefaults`, their name before Kestra 0.18) to
 * every task and trigger, nested ones included, before the flow is validated, as Kestra's
 * `PluginDefaultService` does: so a required property given only by a default passes. Problems
 * with the defaults themselves go to `reporter`. Returns the flow with the defaults merged in
 * (the input is not changed) and where each value a default set came from.
 */
export function applyPluginDefaults(value: unknown, registry: PluginRegistry, reporter: Reporter): { value: unknown; origins: DefaultOrigins } {
  const origins = new Map<string, readonly PathSegment[]>();
  if (!isMapping(value)) return { value, origins };
  const defaults = readDefaults(value, registry, reporter);
  if (defaults.length === 0) return { value, origins };

  const walk = (node: unknown, at: readonly PathSegment[], inList: boolean): unknown => {
    if (Array.isArray(node)) return node.map((child, i) => walk(child, [...at, i], true));
    if (!isMapping(node)) return node;
    let item: Record<string, unknown> = node;
    const entry = inList && typeof node.id === 'string' && typeof node.type === 'string' ? registry.task(node.type) ?? registry.trigger(node.type) : undefined;
    if (entry) item = withDefaults(node, entry, defaults, at, origins);
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(item)) {
      Object.defineProperty(out, key, { value: walk(child, [...at, key], false), enumerable: true, writable: true, configurable: true });
    }
    return out;
  };

  const flow: Record<string, unknown> = { ...value };
  for (const list of PLUGIN_LISTS) {
    if (Array.isArray(value[list])) flow[list] = walk(value[list], [list], false);
  }
  return { value: flow, origins };
}
