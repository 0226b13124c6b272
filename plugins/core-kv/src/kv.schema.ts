import { Dynamic, Type } from '@sluice/core';

/** `key`: every key-value task has one. */
export const KeyProp = Dynamic(Type.String({
  minLength: 1, maxLength: 255,
  description: 'The key: a letter or digit, then letters, digits, `.`, `_` or `-` (checked once rendered).',
}));

/** `namespace`: where the entry lives, the flow's own by default. */
export const NamespaceProp = Type.Optional(Dynamic(Type.String({
  minLength: 1, maxLength: 150,
  description: "The namespace of the entry; the flow's namespace by default.",
})));

/** `errorOnMissing`, for Get and Delete. */
export const ErrorOnMissingProp = Type.Optional(Type.Boolean({ default: false, description: 'Fail the task when no entry exists for the key.' }));
