// Flows for the server's unit tests: the plugins they need registered by hand (the server itself
// only loads plugins through its loader), and YAML parsed and saved the way the API saves it.
import { createRegistry, parseFlow, type FlowRepository, type FlowRevision, type PluginRegistry } from '@sluice/engine';
import logPlugin from '@sluice/plugin-core-log';

/** The core Log task's package, as a registry entry. */
export const LOG_PLUGIN = {
  pkg: logPlugin,
  info: { name: '@sluice/plugin-core-log', version: '0', path: '', types: ['io.kestra.plugin.core.log.Log'] },
};

/** A registry with the core Log task only. */
export const logRegistry: PluginRegistry = createRegistry([LOG_PLUGIN]);

/** Parses `yaml` and saves it as a new revision; throws with the parse errors when it is not a valid flow. */
export async function saveFlowYaml(flows: Pick<FlowRepository, 'save'>, yaml: string, registry: PluginRegistry = logRegistry): Promise<FlowRevision> {
  const parsed = parseFlow(yaml, registry);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  return flows.save({ ...parsed.flow, source: yaml });
}

/**
 * `flows` as a process sees them that counts its full listings and can be made to miss every
 * change notice (`deafen`): then only a periodic pass over every flow brings changes in.
 */
export function countingFlows(flows: FlowRepository): { flows: FlowRepository; lists: () => number; deafen: () => void } {
  let lists = 0;
  let deaf = false;
  return {
    flows: {
      save: (flow) => flows.save(flow),
      get: (key) => flows.get(key),
      getRevision: (key, revision) => flows.getRevision(key, revision),
      revisions: (key) => flows.revisions(key),
      delete: (key) => flows.delete(key),
      version: (tenantId) => flows.version(tenantId),
      list: (tenantId, namespace) => {
        lists++;
        return flows.list(tenantId, namespace);
      },
      watch: (listener) => flows.watch((change) => (deaf ? undefined : listener(change))),
    },
    lists: () => lists,
    deafen: () => {
      deaf = true;
    },
  };
}
