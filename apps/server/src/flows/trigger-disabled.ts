import { isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';

/**
 * A flow's YAML with one trigger's `disabled` set, every other byte as written (comments,
 * quoting, blank lines, key order), or undefined when the source has no trigger of that id. The
 * `yaml` Document API finds the nodes and their offsets; the change is spliced into the text
 * there, since printing the document again would re-space comments and flow maps.
 */
export function setTriggerDisabled(source: string, triggerId: string, disabled: boolean): string | undefined {
  const doc = parseDocument(source);
  const triggers = doc.get('triggers', true);
  if (!isSeq(triggers)) return undefined;
  const trigger = triggers.items.find((item): item is YAMLMap => isMap(item) && item.get('id') === triggerId);
  if (!trigger) return undefined;
  const pair = trigger.items.find((p) => isScalar(p.key) && p.key.value === 'disabled') as Pair<Node, Node | null> | undefined;
  const text = String(disabled);
  if (pair?.value?.range) {
    const [start, end] = pair.value.range;
    return source.slice(0, start) + text + source.slice(end);
  }
  // Enabled is the default: nothing to write when the key is absent.
  if (!pair && !disabled) return source;
  if (!pair && trigger.range) {
    if (trigger.flow) {
      const close = source.lastIndexOf('}', trigger.range[1]);
      if (close >= trigger.range[0]) return `${source.slice(0, close).trimEnd()}, disabled: ${text} ${source.slice(close)}`;
    } else {
      const first = trigger.items[0]?.key as Node | undefined;
      const last = trigger.items.at(-1)?.value as Node | null | undefined;
      if (first?.range && last?.range) {
        const indent = first.range[0] - (source.lastIndexOf('\n', first.range[0] - 1) + 1);
        const line = `${' '.repeat(indent)}disabled: ${text}`;
        const end = last.range[1];
        // A block scalar ends with its newline: the new line goes right after it. Otherwise after
        // the rest of the value's line (a comment there stays on it).
        if (source[end - 1] === '\n') return source.slice(0, end) + `${line}\n` + source.slice(end);
        const eol = source.indexOf('\n', end);
        return eol < 0 ? `${source}\n${line}\n` : `${source.slice(0, eol)}\n${line}${source.slice(eol)}`;
      }
    }
  }
  // A shape the splice does not know (an alias, an empty value): let the document print itself.
  trigger.set('disabled', disabled);
  return doc.toString({ lineWidth: 0 });
}
