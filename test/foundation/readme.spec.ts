import { readFileSync } from 'node:fs';
import { ENV_DOCS } from '@graftlab/config';

const readme = readFileSync('README.md', 'utf8');

describe('README', () => {
  it('shows the quick start as exactly the two commands', () => {
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toMatch(/^npm test$/m);
  });

  it('documents every configuration variable with its default and meaning', () => {
    for (const [name, doc] of Object.entries(ENV_DOCS)) {
      const row = readme.split('\n').find((line) => new RegExp(`^\\|\\s*\`${name}\`\\s*\\|`).test(line));
      expect({ name, row }).toEqual({
        name,
        row: expect.stringContaining(doc.meaning.replace(/</g, '&lt;').replace(/>/g, '&gt;')),
      });
    }
  });

  it('keeps the generated performance section markers', () => {
    expect(readme).toMatch(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/);
  });
});
