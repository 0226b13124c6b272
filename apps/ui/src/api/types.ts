/** The API's JSON, as far as the pages read it. */

export type StateType = 'CREATED' | 'RUNNING' | 'SUCCESS' | 'WARNING' | 'FAILED' | 'KILLED' | 'KILLING' | 'PAUSED' | 'RESTARTED' | 'QUEUED' | 'CANCELLED' | 'RETRYING' | 'RETRIED' | 'SKIPPED' | 'BREAKPOINT' | 'SUBMITTED';

export interface State {
  readonly current: StateType;
  readonly histories: readonly { readonly state: StateType; readonly date: string }[];
  readonly startDate: string;
  readonly endDate?: string;
  readonly duration?: string;
}

export interface Label {
  readonly key: string;
  readonly value: string;
}

export interface FlowInput {
  readonly id: string;
  readonly type: string;
  readonly description?: string;
  readonly required?: boolean;
  readonly defaults?: unknown;
  readonly values?: readonly string[];
  readonly [extra: string]: unknown;
}

export interface FlowTriggerJson {
  readonly id: string;
  readonly type: string;
  readonly description?: string;
  readonly disabled?: boolean;
  readonly [prop: string]: unknown;
}

export interface Flow {
  readonly id: string;
  readonly namespace: string;
  readonly revision: number;
  readonly description?: string;
  readonly labels?: readonly Label[] | Readonly<Record<string, string>>;
  readonly inputs?: readonly FlowInput[];
  readonly tasks: readonly { readonly id: string; readonly type: string }[];
  readonly triggers?: readonly FlowTriggerJson[];
  readonly disabled: boolean;
  readonly deleted: boolean;
  readonly updated?: string;
  readonly source: string;
  /** True for a flow the API must not change (it comes from the flows folder), with the reason. */
  readonly readOnly?: boolean;
  readonly readOnlyReason?: string;
}

export interface TaskRun {
  readonly id: string;
  readonly taskId: string;
  readonly value?: string;
  readonly state: State;
  readonly outputs?: Readonly<Record<string, unknown>>;
  readonly attempts?: readonly { readonly state: State }[];
}

export interface Execution {
  readonly id: string;
  readonly namespace: string;
  readonly flowId: string;
  readonly flowRevision: number;
  readonly taskRunList?: readonly TaskRun[];
  readonly inputs?: Readonly<Record<string, unknown>>;
  readonly outputs?: Readonly<Record<string, unknown>>;
  readonly labels?: readonly Label[];
  readonly variables?: Readonly<Record<string, unknown>>;
  readonly state: State;
  readonly trigger?: { readonly id: string; readonly type: string; readonly variables?: Readonly<Record<string, unknown>> };
  readonly url?: string;
}

export interface LogEntry {
  readonly executionId: string;
  readonly taskId?: string;
  readonly taskRunId?: string;
  readonly triggerId?: string;
  readonly timestamp: string;
  readonly level: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  readonly message: string;
}

export interface WebhookInfo {
  readonly namespace: string;
  readonly flowId: string;
  readonly triggerId: string;
  readonly type: string;
  readonly disabled: boolean;
  readonly methods: readonly string[];
  readonly url?: string;
  readonly maskedUrl: string;
  readonly curl?: string;
  readonly problem?: string;
}

/** A schedule trigger's calendar as `GET /flows/{ns}/{id}/schedules` gives it. */
export interface ScheduleInfo {
  readonly triggerId: string;
  readonly type: string;
  readonly scheduled: boolean;
  readonly reason?: string;
  /** The next ticks, ISO 8601; the first may be in the past when the clock is late. */
  readonly nextRuns: readonly string[];
  readonly lastTick?: { readonly date: string; readonly executionId?: string; readonly state?: string };
}

/** One trigger's state as the trigger API (`GET /triggers/{ns}/{flowId}`) gives it. */
export interface TriggerStateInfo {
  readonly namespace: string;
  readonly flowId: string;
  readonly triggerId: string;
  readonly type: string;
  /** `webhook`, `schedule`, `poll`, `listen`; absent when its plugin is not loaded. */
  readonly mode?: string;
  readonly disabled: boolean;
  /** `disabled: true` in the YAML, or the flow disabled. */
  readonly sourceDisabled: boolean;
  /** Paused through the API (by a person, or by `stopAfter`). */
  readonly apiDisabled: boolean;
  readonly workerId?: string;
  readonly leaseUntil?: string;
  /** The last poll or message (ISO 8601). */
  readonly date?: string;
  /** The next poll or tick (ISO 8601). */
  readonly nextExecutionDate?: string;
  readonly executionId?: string;
  readonly lastError?: { readonly message: string; readonly date?: string };
  readonly executions: number;
  readonly errors: number;
  /** Messages it received but could not decode (poll and listen). */
  readonly undecodable?: number;
  /** Who paused it, while paused: a person through the API (`user`), or `stopAfter` (the execution whose end stopped it). */
  readonly disabledBy?: { readonly kind: 'api' | 'stopAfter'; readonly user?: string; readonly executionId?: string; readonly state?: string; readonly date: string };
  readonly updatedDate?: string;
}

export interface PluginSummary {
  readonly type: string;
  readonly kind: 'task' | 'trigger';
  readonly mode?: string;
  readonly title: string;
  readonly description?: string;
  readonly aliases: readonly string[];
  readonly package: { readonly name: string; readonly version: string };
}

export interface PluginDetail extends PluginSummary {
  readonly props?: Readonly<Record<string, unknown>>;
  readonly output?: Readonly<Record<string, unknown>>;
  readonly variables?: Readonly<Record<string, unknown>>;
  readonly examples?: readonly { readonly title?: string; readonly flow?: string }[];
}

export interface Page<T> {
  readonly results: readonly T[];
  readonly total: number;
}

export interface Session {
  readonly username: string;
  readonly csrfToken: string;
  readonly expiresAt: string;
}

export interface ValidationResult {
  readonly index: number;
  readonly flow?: string;
  readonly namespace?: string;
  readonly constraints?: string;
  readonly errors?: readonly { readonly path: string; readonly message: string; readonly line?: number; readonly column?: number }[];
}

/** Labels as the list the API gives, or as a map some answers carry. */
export function labelList(labels: Flow['labels']): Label[] {
  if (!labels) return [];
  if (Array.isArray(labels)) return [...(labels as readonly Label[])];
  return Object.entries(labels as Record<string, string>).map(([key, value]) => ({ key, value }));
}
