import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { BRAND_KEY, TRIGGER_BRAND } from './brand.js';
import type { TriggerContext } from './context.js';
import type { PluginExample } from './example.js';
import type { PropsProblem } from './flowable.js';
import { assertDefinition } from './definition-checks.js';

/**
 * How the host drives a trigger. Declared explicitly by every trigger; the host never guesses
 * it from which methods exist.
 *
 * - `webhook`: the host owns an HTTP route and hands each request to {@link WebhookTrigger.receive}.
 * - `schedule`: the host's clock asks {@link ScheduleTrigger.nextDate} when to fire and calls
 *   {@link ScheduleTrigger.fire} at that time, exactly once across all hosts.
 * - `poll`: the host calls {@link PollTrigger.poll} every {@link PollTrigger.interval} and keeps
 *   the cursor it returns.
 * - `listen`: the host starts {@link ListenTrigger.listen} once per enabled trigger and stops it
 *   when the flow changes or the host shuts down.
 * - `flow`: each time an execution of another flow ends, the host asks {@link FlowEndTrigger.match}
 *   whether it starts this flow, and stores at most one execution per ended execution and trigger.
 *
 * @public
 */
export type TriggerMode = 'webhook' | 'schedule' | 'poll' | 'listen' | 'flow';

/**
 * The decision to start one execution.
 * @typeParam V - the trigger's variables schema.
 * @public
 */
export interface StartDecision<V = unknown> {
  /** Discriminant. */
  readonly kind: 'start';
  /** Stored as `execution.trigger.variables`; flows read them as `{{ trigger.<name> }}`. */
  readonly variables: V;
  /**
   * Values for the flow's `inputs`, before the host validates and coerces them against the
   * flow's input declarations (a failure there answers 422 to a webhook caller).
   */
  readonly inputs?: Readonly<Record<string, unknown>>;
  /** Labels added to the execution, beside the flow's own. */
  readonly labels?: readonly { readonly key: string; readonly value: string }[];
  /**
   * A stable identity of the event this start comes from (a broker's message id or stream
   * sequence, a row's primary key), for the `poll` and `listen` modes. The host derives the
   * execution id from the trigger and this key, so an event delivered twice (a broker's
   * redelivery after a crash, a poll repeated before its cursor was stored) starts one
   * execution. Without it, every delivery starts its own execution. At most 512 characters.
   */
  readonly key?: string;
}

/**
 * The trigger fired, but its conditions (`conditions`, `when`) were not met: no execution.
 * A webhook caller gets 204.
 * @public
 */
export interface SkipDecision {
  /** Discriminant. */
  readonly kind: 'skip';
  /** Why, for the debug log. */
  readonly reason: string;
}

/**
 * The request matched, but what it carries cannot start the flow (inputs that fail to render
 * or validate). A webhook caller gets 422 with these errors.
 * @public
 */
export interface InvalidDecision {
  /** Discriminant. */
  readonly kind: 'invalid';
  /** Each problem with the path of the field it concerns, e.g. `inputs.body`. */
  readonly errors: readonly { readonly path: string; readonly message: string }[];
}

/**
 * The request is not for this trigger (its key does not match). The host tries the flow's
 * next trigger of the same type, and answers the uniform 404 when none matches.
 * @public
 */
export interface NotMatchedDecision {
  /** Discriminant. */
  readonly kind: 'not-matched';
}

/**
 * How the host answers a webhook caller once the execution is stored, when not at once.
 * @public
 */
export interface WebhookResponsePolicy {
  /** Keep the request open until the execution ends. */
  readonly wait: boolean;
  /** With `wait`: answer with the flow's `outputs` map instead of the execution. */
  readonly returnOutputs?: boolean;
  /** With `returnOutputs`: `application/json` (default) or `text/plain`. */
  readonly contentType?: string;
  /**
   * With `wait`: a template rendered against the finished execution giving the HTTP status.
   * Without it: 500 when the execution FAILED, else 200.
   */
  readonly statusCode?: string;
}

/**
 * What a webhook trigger answers for one request.
 * @public
 */
export type WebhookDecision<V = unknown> =
  | (StartDecision<V> & { readonly response?: WebhookResponsePolicy })
  | SkipDecision
  | InvalidDecision
  | NotMatchedDecision;

/**
 * One HTTP request as the host hands it to a webhook trigger: exact bytes, nothing parsed,
 * nothing framework-specific. The body's bytes are kept so a trigger can verify a signature
 * over them.
 * @public
 */
export interface WebhookRequest {
  /** `GET`, `POST` or `PUT`. */
  readonly method: string;
  /** The `{key}` segment of the URL, URL-decoded. Secret: never log it. */
  readonly key: string;
  /** Header values by lower-cased name, in the order received. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  /** Query string parameters, each with all its values in order. */
  readonly query: Readonly<Record<string, readonly string[]>>;
  /** The raw body; empty when the request had none. */
  readonly body: Uint8Array;
}

/** What every trigger declares. @public */
export interface TriggerDefinitionBase<P extends TObject, V extends TSchema> {
  /** The type string flows use, e.g. `io.kestra.plugin.core.trigger.Webhook`. Never changes. */
  readonly type: string;
  /** Older type strings that still resolve to this trigger. */
  readonly aliases?: readonly string[];
  /** A short title, shown in lists. */
  readonly title: string;
  /** What the trigger does, in Markdown. */
  readonly description: string;
  /** Schema of the trigger's own props (the envelope `id`, `type`, `disabled` is the host's). */
  readonly props: P;
  /** Schema of the variables an execution started by it gets as `trigger.*`. */
  readonly variables: V;
  /** Flows that show the trigger; tests run every one. At least one. */
  readonly examples: readonly PluginExample[];
  /**
   * Optional checks of the props as written, made when a flow is saved, once they passed the
   * schema: what a schema cannot say (SQL that does not parse, an interval below the minimum
   * once parsed). Expression fields may hold templates. Return one problem per mistake, none
   * when all is well; each is reported at its YAML line.
   */
  check?(props: Static<P>): readonly PropsProblem[];
}

/**
 * A trigger the host feeds with HTTP requests on
 * `/api/v1/{tenant}/executions/webhook/{namespace}/{flowId}/{key}`.
 * @public
 */
export interface WebhookTrigger<P extends TObject, V extends TSchema> extends TriggerDefinitionBase<P, V> {
  /** Discriminant. */
  readonly mode: 'webhook';
  /**
   * Decides what one request means for this trigger. `props` have their host-rendered fields
   * rendered with the flow's variables (`flow`, `secret()`); a field the host cannot render
   * makes the host skip this trigger for the request. Must not perform side effects: the host
   * stores the execution.
   */
  receive(ctx: TriggerContext, props: Static<P>, request: WebhookRequest): Promise<WebhookDecision<Static<V>>> | WebhookDecision<Static<V>>;
}

/**
 * One tick of a schedule.
 * @public
 */
export interface ScheduleTick {
  /** The time the tick was due (not the time it ran). */
  readonly date: Date;
  /** The tick before it, if any. */
  readonly previous?: Date;
  /** The tick after it, if any. */
  readonly next?: Date;
}

/**
 * A trigger the host's clock drives. The host owns timing and exactly-once firing across
 * hosts; the plugin owns the calendar.
 * @public
 */
export interface ScheduleTrigger<P extends TObject, V extends TSchema> extends TriggerDefinitionBase<P, V> {
  /** Discriminant. */
  readonly mode: 'schedule';
  /** The first tick strictly after `after`, or `undefined` when the schedule has ended. */
  nextDate(props: Static<P>, after: Date): Date | undefined;
  /** Decides what a due tick starts. */
  fire(ctx: TriggerContext, props: Static<P>, tick: ScheduleTick): Promise<StartDecision<Static<V>> | SkipDecision> | StartDecision<Static<V>> | SkipDecision;
}

/**
 * A trigger the host calls at an interval to look for work, keeping its cursor between calls
 * (Kestra's polling triggers, e.g. a SQL query trigger).
 *
 * The host runs each enabled poll trigger in exactly one process at a time, under a lease in the
 * store that its holder renews; when the holder dies, another process takes the trigger over
 * once the lease ends (`SLUICE_TRIGGER_LEASE_MS`). Each poll gets the cursor the previous
 * successful poll returned. The host stores the executions first, then the cursor (only while
 * it still holds the lease), so a crash in between repeats the poll from the old cursor: give
 * each start a {@link StartDecision.key} (or return the starts in the same order from the same
 * cursor) and the repeat starts no second execution. Intervals missed while no process ran the
 * trigger are not replayed: one poll catches up from the cursor. A poll that throws is retried
 * with capped exponential backoff, and its message is shown as the trigger's last error (keep
 * secrets out of it). See docs/writing-plugins.md.
 * @public
 */
export interface PollTrigger<P extends TObject, V extends TSchema> extends TriggerDefinitionBase<P, V> {
  /** Discriminant. */
  readonly mode: 'poll';
  /** Milliseconds between the end of one poll and the start of the next. */
  interval(props: Static<P>): number;
  /**
   * Looks for new events since `cursor` (undefined on the first poll) and returns one start
   * decision per execution to create, with the cursor to pass next time (any JSON value). The
   * host stores the executions, then the cursor. `ctx.signal` fires when the host stops the
   * trigger (shutdown, lease lost, flow changed): give up then.
   */
  poll(ctx: TriggerContext, props: Static<P>, cursor: unknown): Promise<{ readonly starts: readonly StartDecision<Static<V>>[]; readonly cursor: unknown }>;
}

/**
 * A long-lived trigger: a queue consumer, a socket (Kestra's realtime triggers).
 *
 * The host runs one listener per enabled trigger across all processes, under a lease like a
 * poll trigger's. It calls `listen` once; the listener calls `emit` per event. `emit` resolves
 * once the event's execution is stored, and rejects when it could not be (the store is down,
 * the trigger is stopping): acknowledge the source after `emit` resolves, never before, and
 * leave the message unacknowledged when it rejects, so the broker delivers it again (at least
 * once; a {@link StartDecision.key} from the broker's message id makes a redelivery start no
 * second execution). `emit` waits while too many executions of the trigger are being stored,
 * so await it before taking the next message and consumption slows down instead of memory
 * growing.
 *
 * The host stops the listener (calls the function `listen` resolved to, and aborts
 * `ctx.signal`) when the trigger or its flow is disabled (in YAML or through the API), the flow
 * is saved or deleted, the lease is lost, or the process stops. When `listen` rejects, or the
 * listener calls `fail` (its connection broke and it will not recover by itself), the host
 * stops it, records the error as the trigger's last error and calls `listen` again after a
 * capped exponential backoff. See docs/writing-plugins.md.
 * @public
 */
export interface ListenTrigger<P extends TObject, V extends TSchema> extends TriggerDefinitionBase<P, V> {
  /** Discriminant. */
  readonly mode: 'listen';
  /**
   * Starts listening and resolves once subscribed, to a function that stops listening (it must
   * not throw and should finish quickly). Call `emit` once per execution to create and
   * acknowledge the source only after it resolves; call `fail` to report that the subscription
   * is broken, so the host restarts it. The host always passes `fail`; a test calling `listen`
   * directly may leave it out, so call it as `fail?.(error)`.
   */
  listen(
    ctx: TriggerContext,
    props: Static<P>,
    emit: (start: StartDecision<Static<V>>) => Promise<void>,
    fail?: (error: unknown) => void,
  ): Promise<() => Promise<void>>;
}

/**
 * An execution that has just ended, as a `flow` trigger sees it: the data Kestra's Flow trigger
 * gives its flows as `trigger.*`, plus what its conditions look at.
 * @public
 */
export interface EndedExecution {
  /** The ended execution's id. */
  readonly id: string;
  /** Its tenant; a flow trigger only sees executions of its own tenant. */
  readonly tenantId: string;
  /** Its flow's namespace. */
  readonly namespace: string;
  /** Its flow's id. */
  readonly flowId: string;
  /** The revision of its flow it ran. */
  readonly flowRevision: number;
  /** Its final state: `SUCCESS`, `WARNING`, `FAILED`, `KILLED` or `CANCELLED`. */
  readonly state: string;
  /** Its labels, the `system.*` ones included. */
  readonly labels: readonly { readonly key: string; readonly value: string }[];
  /** Its flow's `outputs`, as rendered when it ended; empty when the flow declares none. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /**
   * The outputs of its tasks by task id, as its own templates read them (`outputs.<taskId>`);
   * Kestra's older Flow triggers render their `inputs` with them.
   */
  readonly taskOutputs: Readonly<Record<string, unknown>>;
  /** When it started, ISO-8601. */
  readonly startDate: string;
  /** When it ended, ISO-8601. */
  readonly endDate: string;
}

/**
 * One ending execution's part in a window of conditions that several executions may meet
 * together (Kestra's Flow-trigger `preconditions` with several `flows`/`where` entries).
 * @public
 */
export interface TriggerWindowEntry {
  /** The window's id (Kestra's `preconditions.id`); a stored window of another id is started afresh. */
  readonly id: string;
  /** Every condition of the window, by a stable key (Kestra's `condition_1`, `condition_2_<whereId>`). */
  readonly conditions: readonly string[];
  /** The keys this execution meets: at least one. */
  readonly met: readonly string[];
  /** When the execution counts, in epoch ms (its end date): the window it falls in is the one it joins. */
  readonly at: number;
  /**
   * The window `at` falls in: fixed bounds, `start` included and `end` excluded (a stored window
   * of other bounds is replaced when `at` is past it, and an `at` before it is not counted), or
   * a sliding length: the conditions must all be met within `slidingMs` of one another.
   */
  readonly bounds: { readonly start: number; readonly end: number } | { readonly slidingMs: number };
  /** True: once the window fires its results are cleared, so firing again takes every condition again. False: it fires for every later execution that meets one, until the window ends. */
  readonly resetOnSuccess: boolean;
}

/**
 * The execution meets some of the trigger's windowed conditions: the host records `window` in
 * its store, atomically across processes, and starts `start` only when this record completes
 * the window. Recording the same execution again (a redelivered job) changes nothing and gives
 * the same answer, so a window fires exactly once for the execution that completed it.
 * @public
 */
export interface WindowDecision<V = unknown> {
  /** Discriminant. */
  readonly kind: 'window';
  readonly window: TriggerWindowEntry;
  /** What starts when this execution completes the window. */
  readonly start: StartDecision<V>;
}

/**
 * What a `flow` trigger decides for one ended execution.
 * @public
 */
export type FlowEndDecision<V = unknown> = StartDecision<V> | SkipDecision | WindowDecision<V>;

/**
 * A trigger that starts its flow when executions of other flows end (Kestra's
 * `io.kestra.plugin.core.trigger.Flow`). The host calls {@link FlowEndTrigger.match} once per
 * ended execution of any other flow of the same tenant, after that end is stored; it derives
 * the new execution's id from the ended execution, the flow and the trigger, so a match repeated
 * after a crash or on several workers starts one execution. A flow never triggers itself.
 * @public
 */
export interface FlowEndTrigger<P extends TObject, V extends TSchema> extends TriggerDefinitionBase<P, V> {
  /** Discriminant. */
  readonly mode: 'flow';
  /**
   * Decides whether `ended` starts this flow, and with which variables and inputs. Must be pure:
   * the host may ask again for the same end (a redelivered job), and must get the same answer.
   * A throw is logged and counts as a skip. A {@link WindowDecision} starts the flow only once
   * the host's store says this execution completed the window.
   */
  match(ctx: TriggerContext, props: Static<P>, ended: EndedExecution): Promise<FlowEndDecision<Static<V>>> | FlowEndDecision<Static<V>>;
}

/**
 * What a trigger plugin declares: one of the five modes.
 * @public
 */
export type TriggerDefinition<P extends TObject = TObject, V extends TSchema = TSchema> =
  | WebhookTrigger<P, V>
  | ScheduleTrigger<P, V>
  | PollTrigger<P, V>
  | ListenTrigger<P, V>
  | FlowEndTrigger<P, V>;

/**
 * A trigger definition as {@link defineTrigger} returns it: the definition plus its brand.
 * @public
 */
export type Trigger<D extends TriggerDefinition = TriggerDefinition> = D & { readonly [BRAND_KEY]: typeof TRIGGER_BRAND };

/** Any trigger, whatever its schemas. @public */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTrigger = Trigger<TriggerDefinition<any, any>>;

/**
 * Declares a trigger plugin. Like {@link defineTask}, it checks, brands and infers; and it
 * refuses a mode it does not know, so a typo cannot silently make a trigger of another kind.
 *
 * @example
 * ```ts
 * export const hook = defineTrigger({
 *   mode: 'webhook',
 *   type: 'com.example.Hook',
 *   title: 'Start on a request',
 *   description: '...',
 *   props: Type.Object({ key: Dynamic(Type.String({ description: 'Secret key.' })) }, { additionalProperties: false }),
 *   variables: Type.Object({ body: Type.Unknown({ description: 'The body.' }) }),
 *   examples: [...],
 *   receive(ctx, props, request) {
 *     return { kind: 'start', variables: { body: new TextDecoder().decode(request.body) } };
 *   },
 * });
 * ```
 * @public
 */
export function defineTrigger<P extends TObject, V extends TSchema>(definition: WebhookTrigger<P, V>): Trigger<WebhookTrigger<P, V>>;
export function defineTrigger<P extends TObject, V extends TSchema>(definition: ScheduleTrigger<P, V>): Trigger<ScheduleTrigger<P, V>>;
export function defineTrigger<P extends TObject, V extends TSchema>(definition: PollTrigger<P, V>): Trigger<PollTrigger<P, V>>;
export function defineTrigger<P extends TObject, V extends TSchema>(definition: ListenTrigger<P, V>): Trigger<ListenTrigger<P, V>>;
export function defineTrigger<P extends TObject, V extends TSchema>(definition: FlowEndTrigger<P, V>): Trigger<FlowEndTrigger<P, V>>;
export function defineTrigger(definition: TriggerDefinition): Trigger {
  assertDefinition('trigger', definition);
  return Object.freeze({ ...definition, [BRAND_KEY]: TRIGGER_BRAND }) as Trigger;
}
