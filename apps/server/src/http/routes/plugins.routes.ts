import { flowJsonSchema, type RegisteredTask, type RegisteredTrigger } from '@sluice/engine';
import type { ServerContext } from '../../server-context.js';
import type { RouteSpec } from '../api-router.js';
import { problem } from '../problem.js';

function summary(entry: RegisteredTask | RegisteredTrigger) {
  const d = entry.definition;
  return {
    type: entry.type,
    kind: entry.kind,
    ...(entry.kind === 'trigger' ? { mode: entry.definition.mode } : {}),
    title: d.title,
    description: d.description,
    aliases: d.aliases ?? [],
    package: { name: entry.package.name, version: entry.package.version },
  };
}

/** Plugins with their titles, descriptions, schemas and examples; the flow JSON Schema for editors. */
export function pluginRoutes(s: ServerContext): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/plugins',
      handler: (ctx) => {
        ctx.body = [...s.registry.tasks(), ...s.registry.triggers()].map(summary);
      },
    },
    {
      method: 'get',
      path: '/plugins/schemas/flow',
      handler: (ctx) => {
        ctx.body = flowJsonSchema(s.registry);
      },
    },
    {
      method: 'get',
      path: '/plugins/:type',
      handler: (ctx) => {
        const type = String(ctx.params.type);
        const entry = s.registry.task(type) ?? s.registry.trigger(type);
        if (!entry) return problem(ctx, 404, `unknown plugin type '${type}'`);
        const d = entry.definition;
        ctx.body = {
          ...summary(entry),
          props: d.props,
          ...(entry.kind === 'task' ? { output: entry.definition.output } : { variables: entry.definition.variables }),
          examples: d.examples,
        };
      },
    },
  ];
}
