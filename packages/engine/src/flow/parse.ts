import { engineErrors } from '../errors.js';
import type { PluginRegistry } from '../plugins/types.js';
import type { PathSegment } from '../plugins/value-errors.js';
import { buildFlow } from './build-flow.js';
import { checkFlow } from './check-flow.js';
import { acceptInputNames } from './input-names.js';
import { applyPluginDefaults } from './plugin-defaults.js';
import { byPosition, type FlowProblem, type ParseFlowOptions, type ParseResult } from './problems.js';
import { Reporter, isMapping } from './report.js';
import { readYaml, type YamlDocument } from './yaml-source.js';

const failed = (errors: FlowProblem[]): ParseResult => ({ ok: false, errors: [...errors].sort(byPosition) });

function parseDocument(document: YamlDocument, registry: PluginRegistry, options: ParseFlowOptions): ParseResult {
  if (document.problems.length > 0) return failed([...document.problems]);
  const reporter = new Reporter(document.locator);
  // Defaults first, as Kestra applies them: a property given only by a default is there to check.
  const renamed = new Map<string, readonly PathSegment[]>();
  const { value, origins } = applyPluginDefaults(acceptInputNames(document.value, reporter, renamed), registry, reporter);
  reporter.origins = new Map([...renamed, ...origins]);
  checkFlow(value, registry, reporter);
  if (reporter.problems.length > 0 || !isMapping(value)) return failed(reporter.problems);
  return { ok: true, flow: buildFlow(value, registry, options.tenantId ?? 'main'), warnings: [...reporter.warnings].sort(byPosition) };
}

/**
 * Parses and validates one flow. Returns the flow, its types canonical, or every problem found,
 * in reading order, each with its code, path, line and column: YAML that cannot be read
 * (`FLOW_YAML_SYNTAX`, `FLOW_YAML_TOO_COMPLEX`), a wrong envelope (`FLOW_SCHEMA`), duplicate ids
 * (`FLOW_DUPLICATE_ID`), unknown types with the closest known ones (`PLUGIN_UNKNOWN_TYPE`), and
 * props the plugin's schema refuses (`FLOW_INVALID_PROPS`). A source holding several YAML
 * documents is refused: use {@link parseFlows}.
 */
export function parseFlow(source: string, registry: PluginRegistry, options: ParseFlowOptions = {}): ParseResult {
  const read = readYaml(source, options);
  if ('problems' in read) return failed(read.problems);
  const documents = read.documents.filter((d) => d.problems.length > 0 || d.value !== null);
  const [first, second] = documents;
  if (!first) return failed([{ code: engineErrors.codes.FLOW_SCHEMA, path: '', message: 'the source holds no flow', line: 1, column: 1 }]);
  if (second) {
    const at = second.locator.documentStart();
    const message = `expected one flow, found ${documents.length} YAML documents`;
    return failed([{ code: engineErrors.codes.FLOW_SCHEMA, path: '', message, ...at }]);
  }
  return parseDocument(first, registry, options);
}

/**
 * Parses every flow of a source whose YAML documents are separated by `---`, as Kestra's
 * `/flows/validate` takes them: one result per non-empty document, in order. A source that
 * cannot be read at all (too large) gives one failed result.
 */
export function parseFlows(source: string, registry: PluginRegistry, options: ParseFlowOptions = {}): ParseResult[] {
  const read = readYaml(source, options);
  if ('problems' in read) return [failed(read.problems)];
  return read.documents
    .filter((d) => d.problems.length > 0 || d.value !== null)
    .map((document) => parseDocument(document, registry, options));
}
