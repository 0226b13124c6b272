import { coreErrors } from '@sluice/core';
import { maskSecrets, type SecretProvider } from './secrets.js';

/**
 * Reads secrets for one run and remembers every value handed out, so the run's log lines can
 * be masked. A {@link SecretProvider} cannot be enumerated (a vault has no "list"), so masking
 * what was actually read is the only reliable rule.
 */
export interface SecretReader {
  /** The secret's value; throws `CORE_SECRET_NOT_FOUND` when the provider has none. */
  read(name: string): string;
  /** Adds values to mask that did not come through {@link SecretReader.read} (SECRET inputs). */
  remember(value: string): void;
  /** Every value read or remembered so far. */
  values(): ReadonlySet<string>;
  /** `text` with every value read so far masked; callable unbound (each task's logger holds it alone). */
  readonly mask: (text: string) => string;
}

/** A {@link SecretReader} over `provider`. */
export function createSecretReader(provider: SecretProvider): SecretReader {
  const seen = new Set<string>();
  return {
    read(name) {
      const value = provider(name);
      if (value === undefined) throw coreErrors.CORE_SECRET_NOT_FOUND(name, { details: { name } });
      seen.add(value);
      return value;
    },
    remember(value) {
      seen.add(value);
    },
    values: () => seen,
    mask: (text) => maskSecrets(text, seen),
  };
}
