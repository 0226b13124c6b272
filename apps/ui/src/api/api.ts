import { API, request, seg, setCsrfToken } from './http.js';

export { API_ROOT } from './http.js';
import type { Execution, Flow, LogEntry, Page, PluginDetail, PluginSummary, ScheduleInfo, Session, TriggerStateInfo, ValidationResult, WebhookInfo } from './types.js';

/** Every API call the pages make, one function each. */

export async function login(username: string, password: string): Promise<Session> {
  const session = await request<Session>('/api/v1/login', { method: 'POST', json: { username, password }, quiet401: true });
  setCsrfToken(session.csrfToken);
  return session;
}

/** The session the cookie holds, or null: asked without a failing request when nobody is logged in. */
export async function currentSession(): Promise<Session | null> {
  const answer = await request<{ readonly authenticated: boolean } & Partial<Session>>('/api/v1/session');
  if (!answer.authenticated || answer.username === undefined || answer.csrfToken === undefined || answer.expiresAt === undefined) {
    setCsrfToken(undefined);
    return null;
  }
  setCsrfToken(answer.csrfToken);
  return { username: answer.username, csrfToken: answer.csrfToken, expiresAt: answer.expiresAt };
}

export async function logout(): Promise<void> {
  await request<void>('/api/v1/logout', { method: 'POST', quiet401: true });
  setCsrfToken(undefined);
}

export const searchFlows = (q: string, page = 1, size = 100) =>
  request<Page<Flow>>(`${API}/flows/search?${new URLSearchParams({ ...(q ? { q } : {}), page: String(page), size: String(size) })}`);
export const getFlow = (namespace: string, id: string, revision?: number) =>
  request<Flow>(`${API}/flows/${seg(namespace, id)}${revision ? `?revision=${revision}` : ''}`);
export const createFlow = (source: string) => request<Flow>(`${API}/flows`, { method: 'POST', text: source });
/** Saves a new revision, only while `revision` (the one edited) is still the latest: else a 409 `FLOW_REVISION_CONFLICT`. */
export const updateFlow = (namespace: string, id: string, source: string, revision?: number) =>
  request<Flow>(`${API}/flows/${seg(namespace, id)}`, { method: 'PUT', text: source, ...(revision ? { headers: { 'If-Match': `"${revision}"` } } : {}) });
export const deleteFlow = (namespace: string, id: string) => request<void>(`${API}/flows/${seg(namespace, id)}`, { method: 'DELETE' });
export const revisions = (namespace: string, id: string) => request<Flow[]>(`${API}/flows/${seg(namespace, id)}/revisions`);
export const validateFlow = (source: string) => request<ValidationResult[]>(`${API}/flows/validate`, { method: 'POST', text: source });
export const webhooks = (namespace: string, id: string) => request<WebhookInfo[]>(`${API}/flows/${seg(namespace, id)}/webhooks`);
export const schedules = (namespace: string, id: string) => request<ScheduleInfo[]>(`${API}/flows/${seg(namespace, id)}/schedules`);
export const setTriggerDisabled = (namespace: string, id: string, triggerId: string, disabled: boolean) =>
  request<Flow>(`${API}/flows/${seg(namespace, id, 'triggers', triggerId)}`, { method: 'PUT', json: { disabled } });
/** The state of every trigger of a flow (trigger API). */
export const triggerStates = (namespace: string, id: string) => request<Page<TriggerStateInfo>>(`${API}/triggers/${seg(namespace, id)}`);
/** Every trigger of every flow matching the search (trigger API). */
export const searchTriggers = (q: string, page = 1, size = 100) =>
  request<Page<TriggerStateInfo>>(`${API}/triggers/search?${new URLSearchParams({ ...(q ? { q } : {}), page: String(page), size: String(size) })}`);
/** Pauses or resumes a trigger through its API flag: no new revision, the YAML stays as it is. */
export const setTriggerPaused = (namespace: string, id: string, triggerId: string, paused: boolean) =>
  request<TriggerStateInfo>(`${API}/triggers/${seg(namespace, id, triggerId)}`, { method: 'PUT', json: { disabled: paused } });
export const flowSchema = () => request<Record<string, unknown>>(`${API}/plugins/schemas/flow`);

export interface TestRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly body: string;
}
export const sendTest = (namespace: string, id: string, triggerId: string, test: TestRequest) =>
  request<Execution>(`${API}/flows/${seg(namespace, id, 'webhooks', triggerId, 'test')}`, { method: 'POST', json: test });

export interface ExecutionFilter {
  readonly namespace?: string;
  readonly flowId?: string;
  readonly state?: string;
  readonly startDate?: string;
  readonly endDate?: string;
  readonly page?: number;
  readonly size?: number;
}
export function searchExecutions(filter: ExecutionFilter): Promise<Page<Execution>> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v !== undefined && v !== '') params.set(k, String(v));
  return request<Page<Execution>>(`${API}/executions/search?${params}`);
}
export const getExecution = (id: string) => request<Execution>(`${API}/executions/${seg(id)}`);
/** Deletes an ended execution and its logs (409 while it runs). */
export const deleteExecution = (id: string) => request<void>(`${API}/executions/${seg(id)}`, { method: 'DELETE' });
/** Resumes an execution a Pause task paused, with its onResume inputs (204; 409 when not paused; 422 naming a bad input). */
export const resumeExecution = (id: string, inputs: Record<string, unknown>) =>
  request<void>(`${API}/executions/${seg(id)}/resume`, { method: 'POST', json: inputs });
/** Kills a running execution (202; 409 once it has ended). */
export const killExecution = (id: string) => request<void>(`${API}/executions/${seg(id, 'kill')}`, { method: 'DELETE' });
/** Runs a FAILED, KILLED or WARNING execution again from its failed task runs: the same execution. */
export const restartExecution = (id: string) => request<Execution>(`${API}/executions/${seg(id, 'restart')}`, { method: 'POST' });
/** A new execution replaying an ended one, from the start or from one task run. */
export const replayExecution = (id: string, taskRunId?: string) =>
  request<Execution>(`${API}/executions/${seg(id, 'replay')}${taskRunId ? `?${new URLSearchParams({ taskRunId })}` : ''}`, { method: 'POST' });
export const runFlow = (namespace: string, id: string, inputs: Record<string, unknown>) =>
  request<Execution>(`${API}/executions/${seg(namespace, id)}`, { method: 'POST', json: inputs });
export const latestExecutions = (flows: readonly { namespace: string; id: string }[]) =>
  request<(Execution | null)[]>(`${API}/executions/latest`, { method: 'POST', json: flows });
export const logs = (executionId: string) => request<LogEntry[]>(`${API}/logs/${seg(executionId)}`);
export const logsDownloadUrl = (executionId: string) => `${API}/logs/${seg(executionId)}/download`;
/** A file of the execution in internal storage (an output such as Download's `uri`), as a download. */
export const executionFileUrl = (executionId: string, uri: string) => `${API}/executions/${seg(executionId)}/file?path=${encodeURIComponent(uri)}`;

export const plugins = () => request<PluginSummary[]>(`${API}/plugins`);
export const plugin = (type: string) => request<PluginDetail>(`${API}/plugins/${seg(type)}`);
