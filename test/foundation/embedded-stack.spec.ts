import { exited, spawnStack, waitFor } from './stack-process';

describe('npm start with nothing configured', () => {
  it('runs on a private Redis, a private broker and PGlite, says so on /health, and stops cleanly on SIGTERM', async () => {
    const { child, output, port } = await spawnStack({});
    try {
      await waitFor(() => output().includes('API and dashboard on'), 90_000, 'the stack to start');
      const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as {
        status: string;
        details: Record<string, { status: string; embedded: boolean }>;
      };
      expect(health.status).toBe('ok');
      expect(health.details.redis).toMatchObject({ status: 'up', embedded: true });
      expect(health.details.broker).toMatchObject({ status: 'up', embedded: true });
      expect(health.details.database).toMatchObject({ status: 'up', embedded: true });
      child.kill('SIGTERM');
      expect(await exited(child)).toBe(0);
      expect(output()).toMatch(/stopped: stopped/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 180_000);
});
