import type { FlowInput } from '../flow/flow.types.js';
import type { Execution } from '../model/execution.js';
import { maskSecrets, SECRET_MASK } from '../secrets/secrets.js';

/** What {@link maskExecution} hides. */
export interface MaskOptions {
  /** Secret values the host knows (what `secret()` can return): masked wherever they appear in outputs and inputs. */
  readonly secretValues: readonly string[];
  /** The flow's declared inputs: those of type SECRET are masked whole. */
  readonly inputs: readonly Pick<FlowInput, 'id' | 'type'>[];
}

const isSecretInput = (input: Pick<FlowInput, 'type'>): boolean => input.type.toUpperCase() === 'SECRET';

/**
 * True when {@link maskExecution} would return any execution of a flow declaring `inputs`
 * unchanged under `secretValues`: no secret value is known and no input is of type SECRET.
 */
export function masksNothing(options: MaskOptions): boolean {
  return options.secretValues.length === 0 && !options.inputs.some(isSecretInput);
}

/** Every string inside `value` with the secret values masked; the rest untouched. Iterative, so no value can exhaust the stack. */
function maskDeep(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return maskSecrets(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  const root: { value: unknown } = { value };
  const stack: { holder: Record<string | number, unknown>; key: string | number }[] = [{ holder: root as unknown as Record<string, unknown>, key: 'value' }];
  while (stack.length > 0) {
    const { holder, key } = stack.pop()!;
    const item = holder[key];
    if (typeof item === 'string') holder[key] = maskSecrets(item, secrets);
    else if (Array.isArray(item)) {
      const copy = [...item];
      holder[key] = copy;
      for (let i = 0; i < copy.length; i++) stack.push({ holder: copy as unknown as Record<number, unknown>, key: i });
    } else if (item !== null && typeof item === 'object' && Object.getPrototypeOf(item) === Object.prototype) {
      const copy: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(item)) Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true, configurable: true });
      holder[key] = copy;
      for (const k of Object.keys(copy)) stack.push({ holder: copy, key: k });
    }
  }
  return root.value;
}

/**
 * An execution as the API may show it. The rule: what came from a secret is masked, `******`.
 * Inputs of type SECRET are masked whole, whatever their value (a caller typed them as secret).
 * In task-run outputs, flow outputs and the other inputs, every occurrence of a secret value the
 * host knows or of a SECRET input's value (four characters or more, as in logs) is masked where
 * it appears: a value a task got from `secret()` or `inputs` and passed on, whole or inside a
 * longer text. The executor keeps the
 * values themselves, since later tasks read them; only answers are masked. Trigger variables are
 * what the caller sent and are shown as sent.
 */
export function maskExecution(execution: Execution, options: MaskOptions): Execution {
  const secretInputs = new Set(options.inputs.filter(isSecretInput).map((input) => input.id));
  if (secretInputs.size === 0 && options.secretValues.length === 0) return execution;
  // A SECRET input's value is a secret too: masked wherever a task passed it on.
  const secrets = [...options.secretValues];
  for (const id of secretInputs) {
    const value = execution.inputs[id];
    if (typeof value === 'string') secrets.push(value);
  }
  const inputs: Record<string, unknown> = {};
  for (const [id, value] of Object.entries(execution.inputs)) {
    Object.defineProperty(inputs, id, { value: secretInputs.has(id) && value !== null && value !== undefined ? SECRET_MASK : maskDeep(value, secrets), enumerable: true, writable: true, configurable: true });
  }
  const masked = {
    ...execution,
    inputs,
    taskRunList: execution.taskRunList.map((run) => ({ ...run, outputs: maskDeep(run.outputs, secrets) as typeof run.outputs })),
  };
  return execution.outputs === undefined ? masked : { ...masked, outputs: maskDeep(execution.outputs, secrets) as Record<string, unknown> };
}
