import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuote, shellWord } from './shell-quote.js';

/** What a real POSIX shell makes of the quoted word: the proof that quoting is right. */
const throughShell = (word: string, env: Record<string, string> = {}): string =>
  execFileSync('/bin/sh', ['-c', `printf '%s' ${word}`], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });

describe('shellQuote', () => {
  const hard = [
    `it's`,
    `"double" and 'single'`,
    'costs $5 and $HOME and `whoami` and $(id)',
    'line one\nline two\n',
    'back\\slash \\n not a newline',
    'émoji 🚀 and 中文 and ümlaut',
    '{"a":"b\'c","d":"$e"}',
    '',
    '   spaces   ',
    '*.txt ?',
  ];
  for (const text of hard) {
    it(`keeps ${JSON.stringify(text)} byte for byte`, () => {
      expect(throughShell(shellQuote(text))).toBe(text);
    });
  }

  it('leaves plain words bare', () => {
    expect(shellQuote('https://example.com/a_b-c.d')).toBe('https://example.com/a_b-c.d');
  });
});

describe('shellWord', () => {
  it('quotes adjacent literals as one word', () => {
    expect(shellWord(['http://h/x', '?a=b&c'])).toBe("'http://h/x?a=b&c'");
  });

  it('joins literals and a variable that the shell expands', () => {
    const word = shellWord(['http://h/api/v1/main/executions/webhook/ns/f/', { env: 'WEBHOOK_KEY' }, "?q='x'"]);
    expect(throughShell(word, { WEBHOOK_KEY: 'k$y 1' })).toBe("http://h/api/v1/main/executions/webhook/ns/f/k$y 1?q='x'");
  });
});
