import { defineErrorCatalog } from '@sluice/core';

/** The codes the key-value tasks raise. */
export const kvErrors = defineErrorCatalog({
  /** Set with `overwrite: false` met a live entry. Kestra's wording. */
  KV_KEY_EXISTS: (key: string) => `Cannot set value for key '${key}'. Key already exists and \`overwrite\` is set to \`false\`.`,
  /** Get or Delete with `errorOnMissing: true` found no live entry. */
  KV_KEY_NOT_FOUND: (key: string, namespace: string) => `No value found for key '${key}' in namespace '${namespace}' and \`errorOnMissing\` is set to true`,
  /** The value cannot be read as the declared `kvType`. */
  KV_TYPE_MISMATCH: (key: string, type: string, reason: string) => `the value for key '${key}' is not a valid ${type}: ${reason}`,
  /** `ttl` is not an ISO-8601 duration, or not a positive one. */
  KV_INVALID_TTL: (ttl: string) => `ttl '${ttl}' is not a positive ISO-8601 duration such as PT1H or P7D`,
});
