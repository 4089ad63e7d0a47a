/**
 * A small evaluator for the GitHub Actions expressions the generated `if:` conditions use: context paths
 * (`github.event.pull_request.head.repo.full_name`), string literals, `==`, `!=`, `!`, `&&`, `||`, parentheses and
 * `format('{0}', value)`.
 * String comparison is case-insensitive, as on GitHub; a missing property is null. Anything else throws, so a
 * condition the tests cannot read fails them instead of passing. A value with text around the `${{ }}` is refused too.
 */
type Value = string | number | boolean | null | Record<string, unknown>;

/** An `if:` condition: the expression's value, truthy or not. */
export function evaluateCondition(expression: string, context: Record<string, unknown>): boolean {
  const value = evaluateExpression(expression, context);
  return value !== null && value !== false && value !== 0 && value !== '';
}

/** The value of `${{ ... }}` as GitHub computes it: `a && b || c` yields b or c itself, e.g. one of two secrets. */
export function evaluateExpression(expression: string, context: Record<string, unknown>): Value {
  const source = expression.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  const tokens = source.match(/'(?:[^']|'')*'|==|!=|&&|\|\||[()!,]|[A-Za-z_][\w.-]*|\S/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const truthy = (v: Value) => v !== null && v !== false && v !== 0 && v !== '';
  const equal = (a: Value, b: Value) => (typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : a === b);

  function primary(): Value {
    const token = next();
    if (token === undefined) throw new Error(`unexpected end of ${expression}`);
    if (token === '(') {
      const value = or();
      if (next() !== ')') throw new Error(`missing ) in ${expression}`);
      return value;
    }
    if (token === '!') return !truthy(primary());
    if (token.startsWith("'")) return token.slice(1, -1).replace(/''/g, "'");
    if (token === 'true' || token === 'false') return token === 'true';
    if (token === 'null') return null;
    if (token === 'format' && peek() === '(') return format();
    if (/^[A-Za-z_]/.test(token)) {
      let value: unknown = context;
      for (const part of token.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] ?? null : null;
      return value as Value;
    }
    throw new Error(`cannot read ${token} in ${expression}`);
  }
  /** GitHub's format(): `{N}` is the Nth argument after the first, as a string; `{{` and `}}` are braces. */
  function format(): string {
    next();
    const args: Value[] = [or()];
    while (peek() === ',') {
      next();
      args.push(or());
    }
    if (next() !== ')') throw new Error(`missing ) after format( in ${expression}`);
    const text = (v: Value) => (v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
    return text(args[0]).replace(/\{\{|\}\}|\{(\d+)\}/g, (match, n: string | undefined) => (n === undefined ? match[0] : text(args[Number(n) + 1] ?? null)));
  }
  function comparison(): Value {
    let left = primary();
    while (peek() === '==' || peek() === '!=') {
      const op = next();
      const right = primary();
      left = op === '==' ? equal(left, right) : !equal(left, right);
    }
    return left;
  }
  function and(): Value {
    let left = comparison();
    while (peek() === '&&') {
      next();
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  }
  function or(): Value {
    let left = and();
    while (peek() === '||') {
      next();
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  }
  const value = or();
  if (i !== tokens.length) throw new Error(`cannot read ${tokens.slice(i).join(' ')} in ${expression}`);
  return value;
}
