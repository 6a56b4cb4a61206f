import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BuiltInOptimizer } from './builtin.optimizer';
import { HttpOptimizer } from './http.optimizer';
import { optimizerFor } from './optimizer.factory';
import { OptimizerError } from './optimizer.interface';
import { suggest } from './suggest.api';
import type { SuggestRequest } from './suggest.schema';
import { parseSuggestRequest } from './suggest.validation';

const request: SuggestRequest = {
  space: {
    parameters: [
      { name: 'dose', type: 'number', min: 5, max: 50, unit: 'kGy' },
      { name: 'basePolymer', type: 'categorical', choices: ['PE', 'PP'] },
    ],
    objective: { targets: [{ name: 'degreeOfGrafting', mode: 'match', value: 100 }] },
  },
  observations: [{ params: { dose: 20, basePolymer: 'PE' }, status: 'pending' }],
  batchSize: 3,
  seed: 9,
};

type Behaviour = 'contract' | 'outside' | 'error' | 'garbage' | 'silent';

/** A tiny optimizer service speaking the contract (with the built-in optimizer), or misbehaving on purpose. */
function service(): Promise<{
  server: Server;
  url: string;
  bodies: unknown[];
  behave: (b: Behaviour) => void;
}> {
  let behaviour: Behaviour = 'contract';
  const bodies: unknown[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      bodies.push(body);
      const reply = (status: number, text: string) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(text);
      };
      switch (behaviour) {
        case 'contract':
          return reply(200, JSON.stringify(suggest(parseSuggestRequest(body))));
        case 'outside': {
          const good = suggest(parseSuggestRequest(body));
          const candidates = good.candidates.map((c, i) =>
            i === 1 ? { params: { ...c.params, dose: 999 } } : c,
          );
          return reply(200, JSON.stringify({ candidates }));
        }
        case 'error':
          return reply(503, '{"error":"model server overloaded"}');
        case 'garbage':
          return reply(200, '<html>oops</html>');
        case 'silent':
          return; // never answers
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        server,
        url: `http://127.0.0.1:${port}/api/optimizer/suggest`,
        bodies,
        behave: (b) => (behaviour = b),
      });
    }),
  );
}

describe('HttpOptimizer', () => {
  let svc: Awaited<ReturnType<typeof service>>;
  beforeAll(async () => {
    svc = await service();
  });
  afterAll(async () => {
    svc.server.closeAllConnections();
    await new Promise((resolve) => svc.server.close(resolve));
  });

  it('posts {space, observations, batchSize, seed} and returns a reply that keeps to the contract', async () => {
    svc.behave('contract');
    const reply = await new HttpOptimizer(svc.url).suggest(request);
    expect(svc.bodies.at(-1)).toEqual({
      space: request.space,
      observations: request.observations,
      batchSize: 3,
      seed: 9,
    });
    // Same answer as the built-in optimizer in-process: the contract is the only coupling.
    expect(reply).toEqual(await new BuiltInOptimizer().suggest(request));
  });

  it('refuses a reply with a candidate outside the space, naming it', async () => {
    svc.behave('outside');
    await expect(new HttpOptimizer(svc.url).suggest(request)).rejects.toThrow(
      /answered outside the contract: \/candidates\/1\/params\/dose: 999 is outside the space \[5, 50\]/,
    );
  });

  it.each([
    ['error', /answered HTTP 503: .*overloaded/],
    ['garbage', /not JSON/],
  ] as const)('reports a %s reply clearly', async (behaviour, message) => {
    svc.behave(behaviour);
    const failure = new HttpOptimizer(svc.url).suggest(request);
    await expect(failure).rejects.toBeInstanceOf(OptimizerError);
    await expect(new HttpOptimizer(svc.url).suggest(request)).rejects.toThrow(message);
  });

  it('gives up on a service that does not answer', async () => {
    svc.behave('silent');
    await expect(new HttpOptimizer(svc.url, { timeoutMs: 100 }).suggest(request)).rejects.toThrow(
      /did not answer within 100 ms/,
    );
  });

  it('reports an unreachable service', async () => {
    await expect(new HttpOptimizer('http://127.0.0.1:1/suggest').suggest(request)).rejects.toThrow(
      /could not be reached/,
    );
  });
});

describe('optimizerFor', () => {
  it('chooses the built-in or an HTTP optimizer', () => {
    expect(optimizerFor({ kind: 'builtin' })).toBeInstanceOf(BuiltInOptimizer);
    const http = optimizerFor({ kind: 'http', url: 'http://optimizer.lab:8000/suggest' });
    expect(http).toBeInstanceOf(HttpOptimizer);
    expect((http as HttpOptimizer).url).toBe('http://optimizer.lab:8000/suggest');
  });

  it.each([
    [{ kind: 'http' as const }, /needs a url/],
    [{ kind: 'http' as const, url: 'not a url' }, /is not a URL/],
    [{ kind: 'http' as const, url: 'file:///etc/passwd' }, /must be http or https/],
  ])('refuses a bad choice (%#)', (choice, message) => {
    expect(() => optimizerFor(choice)).toThrow(message);
  });
});
