import type { PluginExample } from '@sluice/core';

/** One example flow, with the messages its test publishes (on the example's subject, made unique per run). */
export interface NatsExampleCase {
  readonly example: PluginExample;
  readonly publish: readonly { readonly subject: string; readonly data: string; readonly headers?: Readonly<Record<string, string>> }[];
}
