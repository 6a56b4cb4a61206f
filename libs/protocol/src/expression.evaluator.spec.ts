import fc from 'fast-check';
import { checkExpression, evaluateExpression, ExpressionError, type Value } from './expression.evaluator';
import type { Unit } from 'mathjs';
import { math } from './units.registry';

const scope = new Map<string, Value>([
  ['dose', math.unit(30, 'kGy')],
  ['doseRate', math.unit(12, 'kGy/h')],
  ['W_0', 1.0],
  ['W_g', 2.35],
  ['zero', 0],
]);
const evaluate = (text: string) => evaluateExpression(text, scope);

describe('safe expressions', () => {
  it('evaluates arithmetic over parameters with units', () => {
    const t = evaluate('${dose} / ${doseRate}');
    expect(typeof t).not.toBe('number');
    expect((t as Unit).toNumber('h')).toBeCloseTo(2.5, 12);
    expect((evaluate('${dose} * 2') as Unit).toNumber('kGy')).toBeCloseTo(60, 12);
  });

  it('computes the degree of grafting as a plain number', () => {
    expect(evaluate('(W_g - W_0) / W_0 * 100')).toBeCloseTo(135, 10);
  });

  it('allows the whitelisted functions, unary minus and powers', () => {
    expect(evaluate('max(1, 2, -3) + min(4, 5) + abs(-2) + sqrt(16) + exp(0) + log(1)')).toBe(
      2 + 4 + 2 + 4 + 1,
    );
    expect(evaluate('-(2 ^ 3)')).toBe(-8);
    expect(evaluate('30 kGy / (15 kGy)')).toBe(2);
  });

  it.each([
    ['1 / zero', /division by zero/],
    ['1 / (W_0 - W_0)', /division by zero/],
    ['${dose} / (0 kGy/h)', /division by zero/],
    ['zero ^ -1', /division by zero/],
    ['10 ^ 400', /not a finite number/],
    ['exp(1000)', /not a finite number/],
    ['log(-1)', /not positive/],
    ['sqrt(-4)', /negative/],
    ['unknownValue + 1', /unknown value "unknownValue"/],
    ['${nothing}', /unknown value "nothing"/],
    ['30 kGy + 5 mL', /cannot add/],
  ])('refuses %j', (text, message) => {
    expect(() => evaluate(text)).toThrow(ExpressionError);
    expect(() => evaluate(text)).toThrow(message);
  });

  it.each([
    ['constructor', /reserved/],
    ['__proto__', /reserved/],
    ['this', /reserved/],
    ['${constructor}', /reserved/],
    ['dose.constructor', /property access/],
    ['W_0["constructor"]', /not allowed/],
    ['W_0[1]', /not allowed/],
    ['f(x) = x', /not allowed/],
    ['x = 3', /not allowed/],
    ['evaluate("1+1")', /not allowed/],
    ['import({}, {})', /not allowed/],
    ['cos(1)', /function "cos" is not allowed/],
    ['{a: 1}', /not allowed/],
    ['[1, 2]', /not allowed/],
    ['1 > 0 ? 1 : 2', /not allowed/],
    ['1:3', /not allowed/],
    ['1; 2', /not allowed/],
    ['"text"', /not allowed/],
    ['10 %', /not allowed/],
    ['1 == 1', /not allowed/],
    ['${a.b}', /not a valid reference/],
    ['', /empty/],
    ['('.repeat(200) + '1' + ')'.repeat(200), /too deeply/],
    ['1 + '.repeat(200) + '1', /longer than/],
  ])('refuses JavaScript internals and non-whitelisted syntax: %j', (text, message) => {
    expect(() => checkExpression(text)).toThrow(ExpressionError);
    expect(() => checkExpression(text)).toThrow(message);
  });

  it('never throws anything but an ExpressionError on random text', () => {
    const alphabet = fc.constantFrom(...'0123456789+-*/^()., ${}[]"\'=:;<>!?%abcdefxyzW_kGymLh°µ'.split(''));
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 60 }).map((cs) => cs.join('')),
        (text) => {
          try {
            const v = evaluate(text);
            const n = typeof v === 'number' ? v : (v.value ?? 1);
            expect(Number.isFinite(n)).toBe(true);
          } catch (e) {
            expect(e).toBeInstanceOf(ExpressionError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never throws anything but an ExpressionError on arbitrary unicode', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80, unit: 'grapheme' }), (text) => {
        try {
          evaluate(text);
        } catch (e) {
          expect(e).toBeInstanceOf(ExpressionError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
