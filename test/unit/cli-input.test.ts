import { describe, expect, it } from 'vitest';
import { federationName } from '../../src/cli/args.js';
import { ExitError, InternalError, UsageError } from '../../src/cli/errors.js';
import { describeFailure, failureLine, resultOf } from '../../src/cli/outcome.js';
import { parseOutputFormat } from '../../src/cli/output.js';
import { cronProblem, everyProblem } from '../../src/cli/schedule-timing.js';
import { fieldName, quote, shown } from '../../src/spec/quote.js';

describe('quoting input back', () => {
  it('cuts long values and says how long they were', () => {
    expect(quote('a'.repeat(100))).toBe(`"${'a'.repeat(60)}…" (100 characters)`);
  });

  it('escapes controls, bidi overrides and quotes', () => {
    expect(quote('\u001b[2J\u202e"x\\')).toBe('"\\u001b[2J\\u202e\\"x\\\\"');
  });

  it('names non-strings by kind, never expands them', () => {
    expect([quote(3), quote(null), quote(undefined), quote([1]), quote({ a: 1 })]).toEqual(['3', 'null', 'nothing', 'a list', 'a mapping']);
  });

  it('echoes plain field names only', () => {
    expect(fieldName('nodeCount')).toBe('nodeCount');
    expect(fieldName('root:$6$x')).toBe('<a field name of 9 characters>');
    expect(fieldName('x'.repeat(41))).toBe('<a field name of 41 characters>');
  });

  it('shows plain paths as they are and quotes the rest', () => {
    expect(shown('examples/federation.yaml')).toBe('examples/federation.yaml');
    expect(shown(' leading space')).toBe('" leading space"');
    expect(shown('a\nb')).toBe('"a\\u000ab"');
  });
});

describe('command-line arguments', () => {
  it.each([
    ['Prod', 'NAME "Prod" is not a federation name: metadata.name is an RFC1123 label'],
    ['a/b', 'NAME "a/b" is not a federation name'],
    ['kfed.prod', 'NAME "kfed.prod" is not a federation name'],
    ['-x-', 'NAME "-x-" is not a federation name'],
    ['a'.repeat(64), 'is not a federation name'],
    ['', 'NAME "" is not a federation name'],
  ])('refuses the federation name %j before any server is contacted', (name, expected) => {
    expect(() => federationName(name)).toThrow(UsageError);
    expect(() => federationName(name)).toThrow(expected);
  });

  it('accepts RFC1123 labels as names', () => {
    expect(federationName('prod-2')).toBe('prod-2');
  });

  it('takes table, wide and json for -o and refuses anything else naming the allowed values', () => {
    expect([parseOutputFormat(undefined), parseOutputFormat('wide'), parseOutputFormat('json')]).toEqual(['table', 'table', 'json']);
    for (const bad of ['yaml', 'JSON', '__proto__', 'toString', '']) {
      expect(() => parseOutputFormat(bad)).toThrow(UsageError);
    }
    expect(() => parseOutputFormat('yaml')).toThrow('unknown output format "yaml" for -o (allowed: table, wide, json)');
  });
});

describe('schedule timing', () => {
  it.each([
    ['0s', '--every 0s is too short: at least 1m'],
    ['30s', '--every 30s is too short'],
    ['367d', '--every 367d is too long: at most 366d'],
    ['nightly', '--every "nightly" is not a duration (e.g. 30m, 12h, 1d)'],
    ['12', '--every "12" is not a duration'],
    ['-5m', '--every "-5m" is not a duration'],
    ['1.5h', '--every "1.5h" is not a duration'],
  ])('refuses --every %s', (every, expected) => {
    expect(everyProblem(every)).toContain(expected);
  });

  it('accepts sane intervals', () => {
    expect([everyProblem('1m'), everyProblem('12h'), everyProblem('1d'), everyProblem('366d')]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it.each([
    ['a b c d e', 'the minute field "a" is not valid (0-59'],
    ['@garbage', '--cron "@garbage" is not a cron shorthand; Temporal accepts @yearly @annually @monthly @weekly @daily @midnight @hourly'],
    ['0 3 * *', '--cron "0 3 * *" has 4 fields; a cron expression has 5'],
    ['0 3 * * * *', 'has 6 fields'],
    ['', 'has 0 fields'],
    ['60 3 * * *', 'the minute field "60" is not valid'],
    ['0 24 * * *', 'the hour field "24" is not valid (0-23'],
    ['0 3 0 * *', 'the day-of-month field "0" is not valid (1-31'],
    ['0 3 * 13 *', 'the month field "13" is not valid (1-12 or jan-dec'],
    ['0 3 * * 8', 'the day-of-week field "8" is not valid (0-7 or sun-sat'],
    ['*/0 * * * *', 'the minute field "*/0" is not valid'],
    ['5-1 * * * *', 'the minute field "5-1" is not valid'],
    ['1-2-3 * * * *', 'is not valid'],
    ['? * * * *', 'the minute field "?" is not valid'],
    ['0 3 * * mon/2/3', 'is not valid'],
    ['@every 0s', '--cron @every 0s is too short'],
    ['@every', '@every takes one duration'],
    ['@every 1h 2h', '@every takes one duration'],
    ['@daily 3', 'is not a cron shorthand'],
  ])('refuses --cron %j', (cron, expected) => {
    expect(cronProblem(cron)).toContain(expected);
  });

  it.each(['0 3 * * *', '*/15 * * * *', '0 0 1,15 * ?', '0 9-17/2 * jan-MAR mon-fri', '0 0 * * 7', '@daily', '@HOURLY', '@midnight', '@every 12h', ' 0 3 * * * '])(
    'accepts --cron %j',
    (cron) => {
      expect(cronProblem(cron)).toBeUndefined();
    },
  );
});

describe('run outcomes at the edge', () => {
  const permission = { message: 'GKE: create cluster failed: missing (CreateCluster). (grant roles/container.admin)', type: 'PermissionError', hint: 'grant roles/container.admin' };

  it('shows the failure with its type and hint, the hint once', () => {
    expect(describeFailure(permission)).toBe('GKE: create cluster failed: missing (CreateCluster). (PermissionError; hint: grant roles/container.admin)');
    expect(describeFailure({ message: 'boom' })).toBe('boom');
    expect(describeFailure({ message: 'boom', type: 'TransientError' })).toBe('boom (TransientError)');
  });

  it('ends a failed run with exit 1 and one line naming the run', () => {
    const outcome = { status: 'FAILED', error: permission.message, failure: permission } as const;
    expect(failureLine('kfed-prod', outcome)).toBe(`kfed: kfed-prod failed: ${describeFailure(permission)}`);
    let thrown: unknown;
    try {
      resultOf('kfed-prod', outcome);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ExitError);
    expect((thrown as ExitError).code).toBe(1);
    expect((thrown as ExitError).userMessage).toContain('PermissionError; hint: grant roles/container.admin');
    expect(failureLine('kfed-prod', { status: 'TIMED_OUT', error: 'x', failure: { message: 'x' } })).toBe('kfed: kfed-prod timed out: x');
  });

  it('calls a completed run without a result a bug in kfed', () => {
    expect(() => { resultOf('kfed-prod', { status: 'COMPLETED', result: undefined }); }).toThrow(InternalError);
    expect(resultOf('kfed-prod', { status: 'COMPLETED', result: 7 })).toBe(7);
  });
});
