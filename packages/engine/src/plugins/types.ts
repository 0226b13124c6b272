import type { AnyFlowableTask, AnyTask, AnyTrigger } from '@sluice/core';

/** A plugin package the host has loaded, as startup logs and `GET /api/plugins` show it. */
export interface LoadedPackage {
  /** The `name` of its package.json. */
  readonly name: string;
  /** The `version` of its package.json (`0.0.0` when it has none). */
  readonly version: string;
  /** The package's directory, symlinks resolved. */
  readonly path: string;
  /** The canonical types it provides, tasks then triggers (aliases not listed). */
  readonly types: readonly string[];
}

/** A task type as the registry holds it. */
export interface RegisteredTask {
  readonly kind: 'task';
  /** The canonical type, even when the entry was found through an alias. */
  readonly type: string;
  /** A runnable task (`run`), or a flowable one (`kind: 'flowable'`, `plan`) whose children the host runs. */
  readonly definition: AnyTask | AnyFlowableTask;
  readonly package: LoadedPackage;
}

/** A trigger type as the registry holds it. */
export interface RegisteredTrigger {
  readonly kind: 'trigger';
  /** The canonical type, even when the entry was found through an alias. */
  readonly type: string;
  readonly definition: AnyTrigger;
  readonly package: LoadedPackage;
}

/**
 * Every task and trigger type the host knows, by type string. Built once at startup by
 * {@link createRegistry} (or {@link loadPlugins}) and read-only afterwards.
 */
export interface PluginRegistry {
  /** The task of that type; an alias resolves to the canonical entry. */
  task(type: string): RegisteredTask | undefined;
  /** The trigger of that type; an alias resolves to the canonical entry. */
  trigger(type: string): RegisteredTrigger | undefined;
  /** Every task, canonical entries only, in registration order. */
  tasks(): readonly RegisteredTask[];
  /** Every trigger, canonical entries only, in registration order. */
  triggers(): readonly RegisteredTrigger[];
  /** The packages the types came from. */
  packages(): readonly LoadedPackage[];
  /**
   * The known types closest to `type` by edit distance (aliases are considered and answered
   * with their canonical type), best first, at most `limit` (default 3). Empty when nothing is
   * close enough to be a plausible typo.
   */
  suggest(type: string, limit?: number): string[];
  /** True when `type` is an old name of a task or trigger rather than its canonical type. */
  isAlias(type: string): boolean;
}
