import type { MathNode, Unit } from 'mathjs';
import { isUnitName, math, normalizeUnitText } from './units.registry';

/** What an expression evaluates to: a plain number or a mathjs unit quantity. */
export type Value = number | Unit;

/** A refused or failed expression; the caller attaches the JSON pointer. */
export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

export const MAX_EXPRESSION_LENGTH = 500;
const MAX_AST_DEPTH = 48;
const FUNCTIONS = new Set(['min', 'max', 'abs', 'sqrt', 'exp', 'log']);
const OPERATORS = new Set(['add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus']);
/** Names that mean something to JavaScript; refused by name so the message says why. */
export const RESERVED_NAMES = new Set([
  'constructor',
  'prototype',
  '__proto__',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'this',
  'globalThis',
  'global',
  'process',
  'require',
  'import',
  'eval',
  'Function',
  'window',
  'toString',
  'valueOf',
  'hasOwnProperty',
]);
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;

/** A checked expression: its tree and the value names it reads (not the units it mentions). */
export interface CheckedExpression {
  readonly text: string;
  readonly node: MathNode;
  readonly names: ReadonlySet<string>;
}

/** `${dose}` marks a parameter reference; it reads the same as the bare name. */
function substituteReferences(text: string): string {
  return text.replace(/\$\{([^}]*)\}/g, (_m, inner: string) => {
    const name = inner.trim();
    if (!IDENTIFIER.test(name)) throw new ExpressionError(`"\${${inner}}" is not a valid reference`);
    if (RESERVED_NAMES.has(name)) throw new ExpressionError(`"${name}" is reserved and cannot be referenced`);
    return ` ${name} `;
  });
}

/**
 * Parses and vets an expression: only numbers, names, units, + - * / ^, unary minus, parentheses
 * and min/max/abs/sqrt/exp/log. Anything else (property access, assignment, function definitions,
 * strings, matrices, comparisons, ...) is refused before anything is evaluated.
 */
export function checkExpression(text: string): CheckedExpression {
  if (typeof text !== 'string') throw new ExpressionError('expected an expression string');
  if (text.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(`expression is longer than ${MAX_EXPRESSION_LENGTH} characters`);
  }
  if (text.trim() === '') throw new ExpressionError('expression is empty');
  const source = normalizeUnitText(substituteReferences(text));
  if (/[^A-Za-z0-9_ .+\-*/^(),\t]/.test(source)) {
    const bad = /[^A-Za-z0-9_ .+\-*/^(),\t]/.exec(source)![0];
    throw new ExpressionError(`character "${bad}" is not allowed in an expression`);
  }
  if (/\.[A-Za-z_]/.test(source.replace(/\d\.\d*e/gi, ''))) {
    throw new ExpressionError('property access ("a.b") is not allowed in an expression');
  }
  let depth = 0;
  for (const ch of source) {
    depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
    if (depth > MAX_AST_DEPTH / 2) throw new ExpressionError('expression nests parentheses too deeply');
  }
  let node: MathNode;
  try {
    node = math.parse(source);
  } catch (e) {
    throw new ExpressionError(`cannot parse expression: ${(e as Error).message}`);
  }
  const names = new Set<string>();
  vet(node, names, 0);
  return { text, node, names };
}

function vet(node: MathNode, names: Set<string>, depth: number): void {
  if (depth > MAX_AST_DEPTH) throw new ExpressionError('expression is nested too deeply');
  switch (node.type) {
    case 'ConstantNode': {
      const value = (node as unknown as { value: unknown }).value;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new ExpressionError(`constant ${JSON.stringify(value)} is not allowed; only numbers`);
      }
      return;
    }
    case 'SymbolNode': {
      const name = (node as unknown as { name: string }).name;
      if (RESERVED_NAMES.has(name) || name.startsWith('__')) {
        throw new ExpressionError(`"${name}" is reserved and cannot be used in an expression`);
      }
      if (!IDENTIFIER.test(name) && !isUnitName(name)) {
        throw new ExpressionError(`"${name}" is not a valid name`);
      }
      if (!isUnitName(name)) names.add(name);
      return;
    }
    case 'ParenthesisNode':
      return vet((node as unknown as { content: MathNode }).content, names, depth + 1);
    case 'OperatorNode': {
      const op = node as unknown as { fn: string; op: string; args: MathNode[] };
      if (!OPERATORS.has(op.fn)) throw new ExpressionError(`operator "${op.op}" is not allowed`);
      for (const arg of op.args) vet(arg, names, depth + 1);
      return;
    }
    case 'FunctionNode': {
      const fn = node as unknown as { fn: MathNode; args: MathNode[] };
      const name = fn.fn.type === 'SymbolNode' ? (fn.fn as unknown as { name: string }).name : undefined;
      if (name === undefined || !FUNCTIONS.has(name)) {
        throw new ExpressionError(
          `function ${name ? `"${name}" ` : ''}is not allowed; only ${[...FUNCTIONS].join(', ')}`,
        );
      }
      if (fn.args.length === 0) throw new ExpressionError(`${name}() needs an argument`);
      for (const arg of fn.args) vet(arg, names, depth + 1);
      return;
    }
    default:
      throw new ExpressionError(`${describeNode(node.type)} is not allowed in an expression`);
  }
}

function describeNode(type: string): string {
  const names: Record<string, string> = {
    AccessorNode: 'property or index access',
    IndexNode: 'indexing',
    AssignmentNode: 'assignment',
    FunctionAssignmentNode: 'a function definition',
    ObjectNode: 'an object literal',
    ArrayNode: 'a matrix or array',
    BlockNode: 'a block of several expressions',
    ConditionalNode: 'a conditional',
    RangeNode: 'a range',
    RelationalNode: 'a comparison',
  };
  return names[type] ?? `a ${type}`;
}

/** Evaluates a vetted expression over named values; never calls mathjs' own evaluator. */
export function evaluateChecked(expr: CheckedExpression, scope: ReadonlyMap<string, Value>): Value {
  const result = evalNode(expr.node, scope);
  assertFinite(result);
  return result;
}

/** checkExpression then evaluateChecked. */
export function evaluateExpression(text: string, scope: ReadonlyMap<string, Value>): Value {
  return evaluateChecked(checkExpression(text), scope);
}

function isUnit(v: Value): v is Unit {
  return typeof v !== 'number';
}

function numeric(v: Value): number {
  if (!isUnit(v)) return v;
  return v.value === null ? 1 : v.toNumber();
}

function assertFinite(v: Value): void {
  const n = isUnit(v) ? (v.value ?? 1) : v;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new ExpressionError('result is not a finite number');
}

/** Units that cancel (kGy / kGy) leave a plain number. */
function simplify(v: unknown): Value {
  if (typeof v === 'number') return v;
  if (v !== null && typeof v === 'object' && (v as { type?: string }).type === 'Unit') {
    const u = v as Unit;
    if (u.dimensions.every((d) => d === 0) && u.units.length === 0) return u.value ?? 1;
    return u;
  }
  throw new ExpressionError('expression produced a value that is neither a number nor a quantity');
}

function apply(what: string, f: () => unknown): Value {
  let out: Value;
  try {
    out = simplify(f());
  } catch (e) {
    if (e instanceof ExpressionError) throw e;
    throw new ExpressionError(`cannot ${what}: ${(e as Error).message}`);
  }
  assertFinite(out);
  return out;
}

function evalNode(node: MathNode, scope: ReadonlyMap<string, Value>): Value {
  switch (node.type) {
    case 'ConstantNode':
      return (node as unknown as { value: number }).value;
    case 'SymbolNode': {
      const name = (node as unknown as { name: string }).name;
      const v = scope.get(name);
      if (v !== undefined) return v;
      if (isUnitName(name)) return math.unit(1, name);
      throw new ExpressionError(`unknown value "${name}"`);
    }
    case 'ParenthesisNode':
      return evalNode((node as unknown as { content: MathNode }).content, scope);
    case 'OperatorNode': {
      const op = node as unknown as { fn: string; args: MathNode[] };
      const args = op.args.map((a) => evalNode(a, scope));
      const [a, b] = args;
      switch (op.fn) {
        case 'unaryMinus':
          return apply('negate', () => math.unaryMinus(a));
        case 'unaryPlus':
          return a;
        case 'add':
          return apply('add', () => math.add(a, b));
        case 'subtract':
          return apply('subtract', () => math.subtract(a, b));
        case 'multiply':
          return apply('multiply', () => math.multiply(a, b));
        case 'divide':
          if (numeric(b) === 0) throw new ExpressionError('division by zero');
          return apply('divide', () => math.divide(a, b));
        case 'pow':
          if (isUnit(b)) throw new ExpressionError('an exponent must be a plain number');
          if (numeric(a) === 0 && b < 0) throw new ExpressionError('division by zero');
          return apply('raise to a power', () => math.pow(a, b));
        default:
          throw new ExpressionError(`operator "${op.fn}" is not allowed`);
      }
    }
    case 'FunctionNode': {
      const fn = node as unknown as { fn: { name: string }; args: MathNode[] };
      const args = fn.args.map((a) => evalNode(a, scope));
      return callFunction(fn.fn.name, args);
    }
    default:
      throw new ExpressionError(`${describeNode(node.type)} is not allowed in an expression`);
  }
}

function callFunction(name: string, args: Value[]): Value {
  const one = (): Value => {
    if (args.length !== 1) throw new ExpressionError(`${name}() takes one argument`);
    return args[0];
  };
  switch (name) {
    case 'min':
      return apply('take the minimum', () => math.min(...(args as number[])));
    case 'max':
      return apply('take the maximum', () => math.max(...(args as number[])));
    case 'abs':
      return apply('take abs()', () => math.abs(one() as number));
    case 'sqrt': {
      const x = one();
      if (numeric(x) < 0) throw new ExpressionError('sqrt() of a negative value');
      return apply('take sqrt()', () => math.sqrt(x as number));
    }
    case 'exp': {
      const x = one();
      if (isUnit(x)) throw new ExpressionError('exp() needs a plain number');
      return apply('take exp()', () => Math.exp(x));
    }
    case 'log': {
      const x = one();
      if (isUnit(x)) throw new ExpressionError('log() needs a plain number');
      if (x <= 0) throw new ExpressionError('log() of a value that is not positive');
      return apply('take log()', () => Math.log(x));
    }
    default:
      throw new ExpressionError(`function "${name}" is not allowed`);
  }
}
