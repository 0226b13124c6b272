import { engineErrors } from '../errors.js';

/** What addresses an execution's files: Kestra's URIs name the namespace and flow too. */
export interface ExecutionFilesIds {
  readonly tenantId: string;
  readonly namespace: string;
  readonly flowId: string;
  readonly executionId: string;
}

const SCHEME = 'kestra://';
/** Longest segment in bytes: what common file systems allow in one name. */
const MAX_SEGMENT_BYTES = 255;

/**
 * Kestra's `Slugify.of`, which it applies to flow and task ids in storage URIs: white space to
 * `-`, accents dropped, other non-word characters removed, `_` to `-`, dashes collapsed and
 * trimmed, lower case.
 */
export function slugify(text: string): string {
  const slug = text.replace(/\s/g, '-').normalize('NFD').replace(/[^\w-]/g, '').replace(/_/g, '-').replace(/-{2,}/g, '-').replace(/^-|-$/g, '');
  return slug.toLowerCase();
}

/**
 * Why `segment` cannot be one path segment of a file, or undefined when it can. A segment never
 * climbs (`..`), never names the folder itself (`.`), and holds no separator of any platform nor
 * NUL, so a path built from checked segments cannot leave its folder.
 */
export function segmentProblem(segment: string): string | undefined {
  if (segment.length === 0) return 'it is empty';
  if (segment === '.' || segment === '..') return `'${segment}' names a folder, not a file`;
  if (/[/\\]/.test(segment)) return 'it holds a path separator (/ or \\)';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(segment)) return 'it holds a control character';
  if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) return `it is longer than ${MAX_SEGMENT_BYTES} bytes`;
  return undefined;
}

/** Throws `STORAGE_INVALID_NAME` unless `name` is one plain segment. */
export function checkFileName(name: string): string {
  const problem = segmentProblem(name);
  if (problem !== undefined) throw engineErrors.STORAGE_INVALID_NAME(name, problem);
  return name;
}

/** `kestra:///company/team/my-flow/executions/<id>/`: the start of every URI of the execution's files. */
export function executionUriPrefix(ids: ExecutionFilesIds): string {
  return `${SCHEME}/${ids.namespace.split('.').map(encodeURIComponent).join('/')}/${encodeURIComponent(slugify(ids.flowId))}/executions/${encodeURIComponent(ids.executionId)}/`;
}

/** The URI of a file at `path` (segments below the execution's folder), each segment encoded. */
export function fileUri(ids: ExecutionFilesIds, path: readonly string[]): string {
  return executionUriPrefix(ids) + path.map(encodeURIComponent).join('/');
}

/** The folder segments of a task run's files: `tasks/<task slug>/<task run id>`, as Kestra lays them out. */
export function taskRunFolder(taskId: string, taskRunId: string): string[] {
  return ['tasks', slugify(taskId) || 'task', taskRunId];
}

/**
 * The path below the execution's folder that `uri` names, checked: a `kestra:///` URI of this
 * execution (its namespace, flow and id), each segment a plain name once decoded. Throws
 * `STORAGE_INVALID_URI` or, for a URI of anything else, `STORAGE_FOREIGN_URI`.
 */
export function pathOfUri(ids: ExecutionFilesIds, uri: string): string[] {
  if (typeof uri !== 'string' || !uri.startsWith(`${SCHEME}/`)) throw engineErrors.STORAGE_INVALID_URI(String(uri).slice(0, 300), 'it must start with kestra:///');
  if (/[?#]/.test(uri)) throw engineErrors.STORAGE_INVALID_URI(uri.slice(0, 300), 'it has a query or a fragment');
  const prefix = executionUriPrefix(ids);
  if (!uri.startsWith(prefix)) throw engineErrors.STORAGE_FOREIGN_URI(uri.slice(0, 300), ids.executionId);
  const rest = uri.slice(prefix.length);
  if (rest.length === 0) throw engineErrors.STORAGE_INVALID_URI(uri.slice(0, 300), 'it names the execution\'s folder, not a file');
  return rest.split('/').map((raw) => {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      throw engineErrors.STORAGE_INVALID_URI(uri.slice(0, 300), 'it holds a malformed %-escape');
    }
    const problem = segmentProblem(segment);
    if (problem !== undefined) throw engineErrors.STORAGE_INVALID_URI(uri.slice(0, 300), `a segment is not a plain name (${problem})`);
    return segment;
  });
}

/** True when `value` looks like an internal storage URI (an output the UI may offer as a download). */
export function isStorageUri(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(`${SCHEME}/`);
}
