/**
 * Renders the few Go-template constructs the KubeFed v0.10.0 chart templates kfed pins use, so
 * the manifests come from the chart itself without a helm binary: comments, `{{-`/`-}}` trimming,
 * `if`/`else`/`end`, field paths (`.Values.a.b`, `.Release.Namespace`), string and number
 * literals, parentheses, pipes, and the functions `default`, `quote`, `not`, `and`, `or`, `eq`.
 *
 * NOTE: anything else (`range`, `include`, `toYaml`, `define`, variables) throws, naming the
 * construct: a chart upgrade that starts using one must fail the generator, not render wrongly.
 */

/** What a template sees: `.Values`, `.Release`. */
export interface TemplateContext {
  readonly Values: unknown;
  readonly Release: { readonly Namespace: string };
}

/** Thrown for a template this renderer does not understand. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

type Node =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'output'; readonly pipeline: string }
  | { readonly type: 'if'; readonly condition: string; readonly then: Node[]; readonly otherwise: Node[] };

interface Action {
  readonly body: string;
  readonly start: number;
  readonly end: number;
  readonly trimLeft: boolean;
  readonly trimRight: boolean;
}

/** `{{- ` trims the whitespace before the action, ` -}}` the whitespace after it (Go's rule: the dash needs a space). */
const actionPattern = /\{\{(-\s)?([\s\S]*?)(\s-)?\}\}/g;

function actions(text: string): Action[] {
  return [...text.matchAll(actionPattern)].map((m) => ({
    body: (m[2] ?? '').trim(),
    start: m.index,
    end: m.index + m[0].length,
    trimLeft: m[1] !== undefined,
    trimRight: m[3] !== undefined,
  }));
}

/** Splits the template into text and actions, applying the trim markers. */
function pieces(text: string): ({ readonly text: string } | { readonly action: string })[] {
  const found = actions(text);
  const out: ({ text: string } | { action: string })[] = [];
  let cursor = 0;
  for (const [i, action] of found.entries()) {
    let before = text.slice(cursor, action.start);
    if (action.trimLeft) before = before.replace(/\s+$/, '');
    if (i > 0 && found[i - 1]?.trimRight) before = before.replace(/^\s+/, '');
    out.push({ text: before });
    out.push({ action: action.body });
    cursor = action.end;
  }
  let rest = text.slice(cursor);
  if (found.at(-1)?.trimRight) rest = rest.replace(/^\s+/, '');
  out.push({ text: rest });
  return out;
}

function parse(text: string): Node[] {
  const root: Node[] = [];
  // Open `if` blocks: the list being filled, and the node to switch to `otherwise` on `else`.
  const stack: { condition: string; then: Node[]; otherwise: Node[]; inElse: boolean }[] = [];
  const current = (): Node[] => {
    const top = stack.at(-1);
    if (!top) return root;
    return top.inElse ? top.otherwise : top.then;
  };
  for (const piece of pieces(text)) {
    if ('text' in piece) {
      if (piece.text) current().push({ type: 'text', text: piece.text });
      continue;
    }
    const body = piece.action;
    if (body.startsWith('/*')) {
      if (!body.endsWith('*/')) throw new TemplateError(`unterminated template comment: {{${body}}}`);
      continue;
    }
    const [keyword = ''] = body.split(/\s+/, 1);
    if (keyword === 'if') {
      stack.push({ condition: body.slice(2).trim(), then: [], otherwise: [], inElse: false });
    } else if (keyword === 'else') {
      const top = stack.at(-1);
      if (!top || top.inElse || body !== 'else') throw new TemplateError(`unsupported or misplaced {{${body}}}`);
      top.inElse = true;
    } else if (keyword === 'end') {
      const top = stack.pop();
      if (!top) throw new TemplateError('{{end}} without {{if}}');
      current().push({ type: 'if', condition: top.condition, then: top.then, otherwise: top.otherwise });
    } else if (['range', 'with', 'define', 'template', 'block', 'include'].includes(keyword) || body.startsWith('$')) {
      throw new TemplateError(`unsupported template construct {{${body}}}`);
    } else {
      current().push({ type: 'output', pipeline: body });
    }
  }
  if (stack.length > 0) throw new TemplateError('{{if}} without {{end}}');
  return root;
}

interface Token { readonly kind: 'field' | 'ident' | 'string' | 'number' | 'pipe' | 'open' | 'close'; readonly text: string }

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\|)|(\()|(\))|("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?)|(\.[A-Za-z_][\w.]*|\.)|([A-Za-z_]\w*))/y;
  let index = 0;
  while (index < expression.length) {
    if (/^\s*$/.test(expression.slice(index))) break;
    pattern.lastIndex = index;
    const m = pattern.exec(expression);
    if (!m) throw new TemplateError(`cannot read template expression at "${expression.slice(index)}" in {{${expression}}}`);
    index = pattern.lastIndex;
    if (m[1]) tokens.push({ kind: 'pipe', text: m[1] });
    else if (m[2]) tokens.push({ kind: 'open', text: m[2] });
    else if (m[3]) tokens.push({ kind: 'close', text: m[3] });
    else if (m[4]) tokens.push({ kind: 'string', text: m[4] });
    else if (m[5]) tokens.push({ kind: 'number', text: m[5] });
    else if (m[6]) tokens.push({ kind: 'field', text: m[6] });
    else if (m[7]) tokens.push({ kind: 'ident', text: m[7] });
  }
  return tokens;
}

/** Go template truthiness: false, 0, nil, "" and empty collections are false. */
function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

const functions: Readonly<Record<string, (args: unknown[]) => unknown>> = {
  // Helm's `default DEFAULT VALUE`: VALUE unless it is empty.
  default: ([fallback, value]) => (truthy(value) ? value : fallback),
  quote: (args) => args.map((a) => JSON.stringify(a === undefined || a === null ? '' : String(a as string | number | boolean))).join(' '),
  not: ([value]) => !truthy(value),
  and: (args) => args.find((a) => !truthy(a)) ?? args.at(-1),
  or: (args) => args.find((a) => truthy(a)) ?? args.at(-1),
  eq: ([first, ...rest]) => rest.some((r) => r === first),
};

function lookup(path: string, context: TemplateContext): unknown {
  if (path === '.') return context;
  let value: unknown = context;
  for (const key of path.slice(1).split('.')) {
    if (value === undefined || value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

class Evaluator {
  private position = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly context: TemplateContext,
    private readonly source: string,
  ) {}

  static run(expression: string, context: TemplateContext): unknown {
    const evaluator = new Evaluator(tokenize(expression), context, expression);
    const value = evaluator.pipeline();
    if (evaluator.position !== evaluator.tokens.length) throw new TemplateError(`unexpected "${evaluator.tokens[evaluator.position]?.text ?? ''}" in {{${expression}}}`);
    return value;
  }

  /** `command | fn args... | ...`: each stage gets the previous value as its last argument. */
  private pipeline(): unknown {
    let value = this.command(undefined, false);
    while (this.tokens[this.position]?.kind === 'pipe') {
      this.position++;
      value = this.command(value, true);
    }
    return value;
  }

  private command(piped: unknown, isPiped: boolean): unknown {
    const head = this.tokens[this.position];
    if (!head) throw new TemplateError(`empty command in {{${this.source}}}`);
    if (head.kind !== 'ident') {
      if (isPiped) throw new TemplateError(`cannot pipe into "${head.text}" in {{${this.source}}}`);
      return this.operand();
    }
    this.position++;
    const fn = functions[head.text];
    if (!fn) throw new TemplateError(`unsupported template function "${head.text}" in {{${this.source}}}`);
    const args: unknown[] = [];
    while (this.position < this.tokens.length && !['pipe', 'close'].includes(this.tokens[this.position]?.kind ?? '')) args.push(this.operand());
    if (isPiped) args.push(piped);
    return fn(args);
  }

  private operand(): unknown {
    const token = this.tokens[this.position++];
    switch (token?.kind) {
      case 'field':
        return lookup(token.text, this.context);
      case 'string':
        return JSON.parse(token.text) as string;
      case 'number':
        return Number(token.text);
      case 'open': {
        const value = this.pipeline();
        if (this.tokens[this.position++]?.kind !== 'close') throw new TemplateError(`missing ")" in {{${this.source}}}`);
        return value;
      }
      default:
        throw new TemplateError(`unexpected "${token?.text ?? 'end'}" in {{${this.source}}}`);
    }
  }
}

function render(nodes: readonly Node[], context: TemplateContext): string {
  let out = '';
  for (const node of nodes) {
    if (node.type === 'text') out += node.text;
    else if (node.type === 'if') out += render(truthy(Evaluator.run(node.condition, context)) ? node.then : node.otherwise, context);
    else {
      const value = Evaluator.run(node.pipeline, context);
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new TemplateError(`{{${node.pipeline}}} renders ${value === undefined ? 'no value' : JSON.stringify(value)}; only strings and numbers are supported`);
      }
      out += String(value);
    }
  }
  return out;
}

/** Renders one template file's text with the given `.Values` and `.Release`. */
export function renderTemplate(text: string, context: TemplateContext): string {
  return render(parse(text), context);
}
