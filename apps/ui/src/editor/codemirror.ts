import { autocompletion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { yaml } from '@codemirror/lang-yaml';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { forceLinting, linter, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { basicSetup } from 'codemirror';
import { schemaCompletions } from '../lib/schema-completion.js';
import { yamlContext } from '../lib/yaml-context.js';

/** A problem from POST /flows/validate, at a 1-based line and column. */
export interface Marker {
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

export interface EditorOptions {
  readonly parent: HTMLElement;
  readonly doc: string;
  readonly label: string;
  /** The flow JSON Schema for completion; may arrive after the editor opened. */
  readonly schema: () => Record<string, unknown> | undefined;
  /** The server's answer for the text: the editor never judges a flow itself. */
  readonly validate?: (text: string) => Promise<readonly Marker[]>;
  readonly onChange: (text: string) => void;
  readonly onSave?: () => void;
  readonly readOnly?: boolean;
}

export interface Editor {
  setDoc(text: string): void;
  focus(): void;
  revalidate(): void;
  destroy(): void;
}

// Colours from the page's CSS variables, so the editor follows light and dark like the rest.
const highlight = HighlightStyle.define([
  { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: 'var(--accent)' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--ok)' },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: 'var(--run)' },
  { tag: [tags.comment, tags.lineComment, tags.meta], color: 'var(--muted)', fontStyle: 'italic' },
  { tag: [tags.keyword, tags.typeName, tags.labelName], color: 'var(--warn)' },
  { tag: [tags.punctuation, tags.separator, tags.squareBracket, tags.brace], color: 'var(--muted)' },
]);

/** Turns a 1-based line and column into a document offset, clamped to the document. */
function offsetOf(state: EditorState, line = 1, column = 1): number {
  const l = state.doc.line(Math.min(Math.max(line, 1), state.doc.lines));
  return Math.min(l.from + Math.max(column - 1, 0), l.to);
}

/** The CodeMirror 6 YAML editor, loaded only when an editor opens (its own chunk). */
export function createEditor(options: EditorOptions): Editor {
  const complete = (context: CompletionContext): CompletionResult | null => {
    const schema = options.schema();
    if (!schema) return null;
    const where = yamlContext(context.state.doc.toString(), context.pos);
    if (!context.explicit && where.prefix === '' && where.kind === 'key') {
      const before = context.state.sliceDoc(context.state.doc.lineAt(context.pos).from, context.pos);
      if (!/^\s*(-\s+)?$/.test(before)) return null;
    }
    const items = schemaCompletions(schema, where);
    if (items.length === 0) return null;
    return {
      from: where.from,
      options: items.map((i) => ({ label: i.label, apply: i.apply, type: where.kind === 'key' ? 'property' : 'constant', ...(i.detail ? { detail: i.detail } : {}), ...(i.info ? { info: i.info } : {}), ...(i.boost ? { boost: i.boost } : {}) })),
      validFor: /^[\w.$-]*$/,
    };
  };
  const validate = options.validate;
  const extensions = [
    syntaxHighlighting(highlight),
    basicSetup,
    yaml(),
    EditorView.lineWrapping,
    EditorView.contentAttributes.of({ 'aria-label': options.label }),
    autocompletion({ override: [complete] }),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) options.onChange(update.state.doc.toString());
    }),
    keymap.of([{ key: 'Mod-s', preventDefault: true, run: () => { options.onSave?.(); return true; } }]),
    EditorState.readOnly.of(options.readOnly === true),
    ...(validate
      ? [linter(async (view): Promise<Diagnostic[]> => {
          const markers = await validate(view.state.doc.toString());
          return markers.map((m) => {
            const from = offsetOf(view.state, m.line, m.column);
            const lineEnd = view.state.doc.lineAt(from).to;
            return { from, to: Math.max(from, lineEnd), severity: 'error', message: m.message };
          });
        }, { delay: 400 })]
      : []),
  ];
  const view = new EditorView({ parent: options.parent, state: EditorState.create({ doc: options.doc, extensions }) });
  return {
    setDoc(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    focus: () => view.focus(),
    revalidate: () => forceLinting(view),
    destroy: () => view.destroy(),
  };
}
