// The benchmark harness's pure logic on fixed rows: no timing is measured or asserted here.
import {
  formatTable,
  jsonRows,
  parseArgs,
  readmeBody,
  regressions,
  rewriteReadmeSection,
  README_END,
  README_START,
} from '../../bench/lib/harness';
import { percentile, row, type BenchRow } from '../../bench/lib/stats';

const rows: BenchRow[] = [
  row('1. engine overhead per step', 'ms', 20, 0.5),
  row('5. steps per second', 'steps/s', 100, 4000, 'higher-is-better'),
];

describe('bench harness', () => {
  it('computes ratios so that larger is always further from the floor', () => {
    expect(rows[0].ratio).toBe(40);
    expect(rows[1].ratio).toBe(40);
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
  });

  it('parses its options from argv', () => {
    expect(parseArgs(['--quick', '--json', 'out.json', '--only', '1,closed-loop'])).toEqual({
      quick: true,
      json: 'out.json',
      updateReadme: false,
      saveBaseline: false,
      only: ['1', 'closed-loop'],
    });
    expect(() => parseArgs(['--json'])).toThrow('--json needs a value');
    expect(() => parseArgs(['--fast'])).toThrow('unknown option --fast');
  });

  it('flags a figure whose ratio worsened at least 2× against the baseline', () => {
    const baseline = [
      { ...rows[0], ratio: 20 },
      { ...rows[1], ratio: 30 },
    ];
    expect([...regressions(rows, baseline)]).toEqual(['1. engine overhead per step']);
    const table = formatTable(rows, baseline);
    expect(table.split('\n')).toHaveLength(4);
    expect(table).toContain(
      '| 1. engine overhead per step | ms | 20.00 | 0.50 | 40.00× | 20.00× | **REGRESSED** |',
    );
    expect(table).toContain('| 5. steps per second | steps/s | 100.0 | 4000 | 40.00× | 30.00× |  |');
  });

  it('writes the rows as {figure, unit, graftlab, floor, ratio} objects', () => {
    expect(JSON.parse(jsonRows(rows))).toEqual([
      { figure: '1. engine overhead per step', unit: 'ms', graftlab: 20, floor: 0.5, ratio: 40 },
      { figure: '5. steps per second', unit: 'steps/s', graftlab: 100, floor: 4000, ratio: 40 },
    ]);
  });

  it('rewrites only the text between the README markers, and adds the section when missing', () => {
    const readme = `# graftlab\n\n## Performance\n\n${README_START}\nold\n${README_END}\n\n## License\nMIT\n`;
    expect(rewriteReadmeSection(readme, 'new table')).toBe(
      `# graftlab\n\n## Performance\n\n${README_START}\nnew table\n${README_END}\n\n## License\nMIT\n`,
    );
    expect(rewriteReadmeSection('# graftlab\n', 'x')).toBe(
      `# graftlab\n\n## Performance\n\n${README_START}\nx\n${README_END}\n`,
    );
    const body = readmeBody(
      rows,
      [],
      { cores: 2, cpu: 'AMD EPYC', node: 'v20.20.2', date: '2026-11-28' },
      { quick: true, seconds: 200 },
      ['method one'],
    );
    expect(body).toContain('**quick pass**');
    expect(body).toContain('2 cores, AMD EPYC, Node v20.20.2, 2026-11-28');
    expect(body).toContain('- method one');
  });
});
