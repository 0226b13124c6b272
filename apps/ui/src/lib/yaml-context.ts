/**
 * Where the cursor stands in a YAML document that is being typed (and so often does not
 * parse): the path of keys and list indexes above it, whether a key or a value is being
 * typed, and the keys already present beside it. Read from indentation, the way a person
 * reads it, so completion works on half-written flows.
 */
export interface YamlContext {
  readonly path: readonly (string | number)[];
  readonly kind: 'key' | 'value';
  /** For a value: the key it belongs to. */
  readonly key?: string;
  /** The word typed so far, replaced by the completion. */
  readonly prefix: string;
  /** Offset where the typed word starts. */
  readonly from: number;
  /** Keys and their one-line values in the same mapping (the list item being written). */
  readonly siblings: Readonly<Record<string, string>>;
}

interface Line {
  readonly indent: number;
  /** Column of the key, after a `- ` when the line starts a list item. */
  readonly keyColumn: number;
  readonly dash: boolean;
  readonly key?: string;
  readonly value: string;
}

const KEY_LINE = /^(\s*)(-\s+)?([A-Za-z0-9_.$-]+)\s*:(?:\s+(.*))?$/;
const DASH_ONLY = /^(\s*)-\s*(.*)$/;

function read(line: string): Line | undefined {
  if (line.trim() === '' || line.trim().startsWith('#')) return undefined;
  const m = KEY_LINE.exec(line);
  if (m) {
    const indent = m[1]!.length;
    const dash = m[2] !== undefined;
    return { indent, dash, keyColumn: indent + (m[2]?.length ?? 0), key: m[3]!, value: (m[4] ?? '').trim() };
  }
  const d = DASH_ONLY.exec(line);
  if (d) return { indent: d[1]!.length, dash: true, keyColumn: d[1]!.length + (line.length - line.trimStart().length - d[1]!.length) + 2, value: d[2]!.trim() };
  const indent = line.length - line.trimStart().length;
  return { indent, dash: false, keyColumn: indent, value: line.trim() };
}

/** The context of the cursor at `offset` in `text`. */
export function yamlContext(text: string, offset: number): YamlContext {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  const current = before.slice(lineStart);
  const lines = text.split('\n');
  const row = before.split('\n').length - 1;

  // What is being typed on this line.
  let kind: 'key' | 'value' = 'key';
  let key: string | undefined;
  let column: number;
  const valueMatch = /^(\s*)(-\s+)?([A-Za-z0-9_.$-]+)\s*:\s+(\S*)$/.exec(current);
  const keyMatch = /^(\s*)(-\s+)?([A-Za-z0-9_.$-]*)$/.exec(current);
  let prefix = '';
  let dashHere = false;
  if (valueMatch) {
    kind = 'value';
    key = valueMatch[3];
    prefix = valueMatch[4]!;
    column = valueMatch[1]!.length + (valueMatch[2]?.length ?? 0);
    dashHere = valueMatch[2] !== undefined;
  } else if (keyMatch) {
    prefix = keyMatch[3]!;
    column = keyMatch[1]!.length + (keyMatch[2]?.length ?? 0);
    dashHere = keyMatch[2] !== undefined;
  } else {
    column = current.length - current.trimStart().length;
    prefix = '';
  }

  // Keys beside the cursor: lines at the same key column in the same mapping, up and down.
  const siblings: Record<string, string> = {};
  if (!dashHere) {
    for (let r = row - 1; r >= 0; r -= 1) {
      const l = read(lines[r]!);
      if (!l) continue;
      if (l.keyColumn === column && l.key) siblings[l.key] = l.value;
      if (l.keyColumn < column || l.dash && l.keyColumn === column || l.indent < column) break;
    }
  }
  for (let r = row + 1; r < lines.length; r += 1) {
    const l = read(lines[r]!);
    if (!l) continue;
    if (l.indent < column || (l.dash && l.indent <= column - 2) || l.dash && l.keyColumn === column) break;
    if (l.keyColumn === column && l.key && !l.dash) siblings[l.key] = l.value;
  }
  // The path: walk up to ever smaller columns.
  const path: (string | number)[] = [];
  let target = column;
  let inItem = dashHere ? column - 2 : -1; // column of the dash of the item the cursor is in
  if (!dashHere) {
    for (let r = row - 1; r >= 0; r -= 1) {
      const l = read(lines[r]!);
      if (!l) continue;
      if (l.dash && l.keyColumn === target) { inItem = l.indent; break; }
      if (l.indent < target) break;
    }
  }
  let r = row - 1;
  if (inItem >= 0) {
    // Count the items of this list above the cursor's item.
    let index = 0;
    let parentRow = -1;
    for (r = row - 1; r >= 0; r -= 1) {
      const l = read(lines[r]!);
      if (!l) continue;
      if (l.dash && l.indent === inItem) { index += 1; continue; }
      if (l.indent < inItem || (l.indent === inItem && !l.dash && l.key && l.value === '')) { parentRow = r; break; }
    }
    // The cursor's own item was counted when it started above the cursor's line.
    path.unshift(dashHere ? index : index - 1);
    if (parentRow < 0) return { path, kind, ...(key ? { key } : {}), prefix, from: offset - prefix.length, siblings };
    const parent = read(lines[parentRow]!)!;
    if (parent.key) path.unshift(parent.key);
    target = parent.keyColumn;
    r = parentRow - 1;
    if (parent.dash) {
      const head = lines.slice(0, parentRow + 1).join('\n');
      const rest = yamlContext(`${head}\n${' '.repeat(parent.keyColumn)}`, head.length + 1 + parent.keyColumn);
      return { path: [...rest.path, ...path], kind, ...(key ? { key } : {}), prefix, from: offset - prefix.length, siblings };
    }
  }
  for (; r >= 0 && target > 0; r -= 1) {
    const l = read(lines[r]!);
    if (!l) continue;
    if (l.dash && l.keyColumn === target && path.length > 0) {
      // The mapping above belongs to a list item: its path is the item's.
      const head = lines.slice(0, r + 1).join('\n');
      const rest = yamlContext(`${head}\n${' '.repeat(l.keyColumn)}`, head.length + 1 + l.keyColumn);
      return { path: [...rest.path, ...path], kind, ...(key ? { key } : {}), prefix, from: offset - prefix.length, siblings };
    }
    if (l.keyColumn >= target) continue;
    if (l.key && l.value === '') {
      path.unshift(l.key);
      if (l.dash) {
        const head = lines.slice(0, r + 1).join('\n');
        const rest = yamlContext(`${head}\n${' '.repeat(l.keyColumn)}`, head.length + 1 + l.keyColumn);
        return { path: [...rest.path, ...path], kind, ...(key ? { key } : {}), prefix, from: offset - prefix.length, siblings };
      }
      target = l.keyColumn;
    } else {
      break;
    }
  }
  return { path, kind, ...(key ? { key } : {}), prefix, from: offset - prefix.length, siblings };
}
