import { CsvSyntaxError, parseCsv, writeCsv } from './csv';

describe('csv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks (RFC 4180)', () => {
    const text = '\ufeffa,b,c\r\n1,"x, y","say ""hi"""\r\n2,"two\nlines",\n';
    expect(parseCsv(text)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
      ['2', 'two\nlines', ''],
    ]);
  });

  it('round-trips awkward values', () => {
    const records = [
      ['name', 'note'],
      ['a,b', ' padded '],
      ['"q"', 'line\r\nbreak'],
      ['', 'plain'],
    ];
    expect(parseCsv(writeCsv(records))).toEqual(records);
    expect(writeCsv([['a', 'b']])).toBe('a,b\r\n');
  });

  it('names the line of a syntax error', () => {
    expect(() => parseCsv('a,b\n1,"open\n')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('a,b\n1,"x"y\n')).toThrow(/line 2/);
    expect(() => parseCsv('a\nx"y\n')).toThrow(/line 2: a quote may only open a field/);
  });
});
