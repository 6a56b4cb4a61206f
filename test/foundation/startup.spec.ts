import { exited, spawnStack } from './stack-process';

describe('start-up refuses bad configuration in one line', () => {
  it('REDIS_URL that does not answer: one line naming REDIS_URL, exit non-zero', async () => {
    const { child, output } = await spawnStack({ REDIS_URL: 'redis://127.0.0.1:1' });
    const code = await exited(child);
    expect(code).not.toBe(0);
    const lines = output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/REDIS_URL=redis:\/\/127\.0\.0\.1:1 does not answer/);
    expect(output()).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a malformed variable: one line naming the variable, the value and what is expected', async () => {
    const { child, output } = await spawnStack({ PORT: 'eighty' });
    expect(await exited(child)).not.toBe(0);
    expect(output().trim().split('\n')).toEqual([
      expect.stringMatching(/PORT="eighty": expected a TCP port 1-65535/),
    ]);
  });
});
