import type { PluginExample } from '@sluice/core';

/** One example flow, with the messages its test publishes (to the example's topics, made unique per run). */
export interface MqttExampleCase {
  readonly example: PluginExample;
  readonly publish: readonly { readonly topic: string; readonly payload: string | Uint8Array }[];
}
