import fc from 'fast-check';
import { DocumentError } from './problem.types';
import { parseSafeJson } from './safe-json';

describe('parseSafeJson', () => {
  it('accepts ordinary JSON', () => {
    expect(parseSafeJson('{"a":[1,2,{"b":null}]}')).toEqual({ a: [1, 2, { b: null }] });
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['{"a":', /malformed JSON/],
    ['{"__proto__":{"polluted":true}}', /\/__proto__: key "__proto__" is not allowed/],
    ['{"a":{"constructor":{}}}', /\/a\/constructor/],
  ])('refuses %j with a located message', (text, pattern) => {
    expect(() => parseSafeJson(text)).toThrow(pattern);
  });

  it('refuses absurd nesting without overflowing the stack', () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    expect(() => parseSafeJson(deep)).toThrow(/nesting deeper than 64/);
  });

  it('refuses documents over the size limit', () => {
    expect(() => parseSafeJson(JSON.stringify({ x: 'a'.repeat(2000) }), { maxBytes: 1000 })).toThrow(
      /over the limit/,
    );
  });

  it('never throws anything but a DocumentError on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          parseSafeJson(text);
        } catch (e) {
          expect(e).toBeInstanceOf(DocumentError);
        }
      }),
    );
  });
});
