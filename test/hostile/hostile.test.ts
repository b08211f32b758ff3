import { beforeAll, describe, expect, it } from 'vitest';
import { hostileCases } from './corpus.js';
import { runHostileCorpus, type CorpusResult } from './run-corpus.js';

/**
 * Every hostile input of the corpus, through the real CLI as a process: exit 2 with a message
 * naming the field, flag or file, no stack trace, no hang, bounded memory and output, nothing
 * echoed and no server contacted.
 */
describe('hostile input corpus', () => {
  let corpus: CorpusResult;

  beforeAll(async () => {
    corpus = await runHostileCorpus();
  }, 900_000);

  it('holds at least 80 cases, each with a unique name', () => {
    expect(hostileCases.length).toBeGreaterThanOrEqual(80);
    expect(new Set(hostileCases.map((c) => c.name)).size).toBe(hostileCases.length);
  });

  it.each(hostileCases.map((c, i) => [c.name, i] as const))('handles %s', (_name, index) => {
    const result = corpus.results[index];
    expect(result, 'the case ran').toBeDefined();
    expect(result?.problems, result?.output).toEqual([]);
  });

  it('handles all of them (figure R10)', () => {
    expect(corpus.handled).toBe(corpus.total);
  });
});
