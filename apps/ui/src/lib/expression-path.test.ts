import { describe, expect, it } from 'vitest';
import { expressionOf, expressionPath } from './expression-path.js';

describe('expressionPath', () => {
  it('uses dots for identifiers', () => {
    expect(expressionOf('trigger', ['body', 'customer', 'id'])).toBe('{{ trigger.body.customer.id }}');
  });

  it('uses brackets for indexes and for keys that are not identifiers', () => {
    expect(expressionPath('trigger', ['headers', 'content-type', 0])).toBe("trigger.headers['content-type'][0]");
    expect(expressionPath('trigger', ['body', '1st', 'a b', 'x.y', ''])).toBe("trigger.body['1st']['a b']['x.y']['']");
  });

  it('escapes quotes and backslashes inside brackets', () => {
    expect(expressionPath('trigger', ['body', "it's", 'a\\b'])).toBe("trigger.body['it\\'s']['a\\\\b']");
  });

  it('brackets words the language reserves', () => {
    expect(expressionPath('inputs', ['and', 'null', 'ok'])).toBe("inputs['and']['null'].ok");
  });

  it('keeps unicode keys in brackets', () => {
    expect(expressionPath('trigger', ['body', 'clé', '🚀'])).toBe("trigger.body['clé']['🚀']");
  });
});
