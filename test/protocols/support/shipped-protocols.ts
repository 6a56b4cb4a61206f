import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, ROOT, startEngineStack, type EngineStack } from '../../engine/support/engine-stack';

/**
 * Every protocol graftlab ships — each file in protocols/ and each protocol example in the README and docs — runs
 * to the end on the virtual lab, with its defaults and at the corners of its parameter ranges: the sample's
 * passport has its degree of grafting with an uncertainty and every declared output. A corner the lab must not
 * run is refused at admission with a JSON pointer; it never stops after an irreversible step (issue: the styrene
 * PEM protocol was irradiated and then paused at `heat`, because the gate ignored the inerting exception).
 */

interface NumberParameter {
  name: string;
  type: 'number';
  min?: number;
  max?: number;
}
interface CategoricalParameter {
  name: string;
  type: 'categorical';
  choices: string[];
}
type Parameter = NumberParameter | CategoricalParameter | { name: string; type: string };
export interface ProtocolDoc {
  id: string;
  schemaVersion?: string;
  parameters?: Parameter[];
  outputs?: { name: string }[];
  steps: unknown[];
}

/** The shipped protocols: the library's files and any protocol written out in the README or the docs. */
export function shippedProtocols(): { source: string; doc: ProtocolDoc }[] {
  const files = readdirSync(path.join(ROOT, 'protocols'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({
      source: `protocols/${f}`,
      doc: JSON.parse(readFileSync(path.join(ROOT, 'protocols', f), 'utf8')) as ProtocolDoc,
    }));
  const docs = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).map((f) => `docs/${f}`)].filter((f) =>
    f.endsWith('.md'),
  );
  const examples = docs.flatMap((file) =>
    [...readFileSync(path.join(ROOT, file), 'utf8').matchAll(/```json\n([\s\S]*?)```/g)].flatMap((m, i) => {
      try {
        const doc = JSON.parse(m[1]) as ProtocolDoc;
        return doc.schemaVersion && Array.isArray(doc.steps)
          ? [{ source: `${file} example ${i + 1}`, doc }]
          : [];
      } catch {
        return []; // a fragment, not a whole document
      }
    }),
  );
  return [...files, ...examples];
}

/**
 * A protocol with a soak (a durability test of hundreds of lab hours) runs in its own suite at a faster clock
 * (soak-protocols.spec.ts), not in these shards.
 */
export function hasSoak(doc: ProtocolDoc): boolean {
  const soaks = (steps: unknown[]): boolean =>
    steps.some((s) => {
      const step = s as { type?: string; steps?: unknown[] };
      return step.type === 'soak' || (Array.isArray(step.steps) && soaks(step.steps));
    });
  return soaks(doc.steps);
}

/** Defaults, every range at its minimum, and every range at its maximum (categorical: first and last choice). */
export function parameterSets(doc: ProtocolDoc): { corner: string; parameters: Record<string, unknown> }[] {
  const corner = (end: 'min' | 'max') =>
    Object.fromEntries(
      (doc.parameters ?? []).flatMap((p): [string, unknown][] => {
        if (p.type === 'number') {
          const value = (p as NumberParameter)[end];
          return value === undefined ? [] : [[p.name, value]];
        }
        if (p.type === 'categorical') {
          const choices = (p as CategoricalParameter).choices;
          return [[p.name, end === 'min' ? choices[0] : choices[choices.length - 1]]];
        }
        return [];
      }),
    );
  return [
    { corner: 'defaults', parameters: {} },
    { corner: 'all minimum', parameters: corner('min') },
    { corner: 'all maximum', parameters: corner('max') },
  ];
}

interface RunDetail {
  id: string;
  state: string;
  reason: string | null;
  samples: string[];
}
interface Passport {
  results: { name: string; value: number; uncertainty: number | null }[];
  [key: string]: unknown;
}

/**
 * The suite for one shard of the shipped protocols (every `shards`-th, from `shard`): the shards run in parallel,
 * each on its own stack, because a run's lab hours pass in real seconds and one stack would run them in series.
 */
export function describeShippedProtocols(shard: number, shards: number): void {
  describe(`every shipped protocol runs to the end on the virtual lab (shard ${shard + 1} of ${shards})`, () => {
    let env: EngineStack;
    const cases = shippedProtocols()
      .filter(({ doc }) => !hasSoak(doc))
      .filter((_, i) => i % shards === shard)
      .flatMap(({ source, doc }) => parameterSets(doc).map((set) => ({ source, doc, ...set })));

    beforeAll(async () => {
      env = await startEngineStack({ name: `shipped${shard}`, workers: 1 });
    });

    afterAll(async () => {
      await env?.stop();
    });

    it('runs each with its defaults and at its corners: completed with DG ± u and every output, or refused at admission', async () => {
      const submitted = await Promise.all(
        cases.map(async (c, i) => {
          const res = await env.api<{ id?: string; message?: string; pointer?: string }>(
            'POST',
            '/api/runs',
            {
              protocol: c.doc,
              parameters: c.parameters,
              idempotencyKey: `shipped-${env.labId}-${i}`,
            },
          );
          return { ...c, status: res.status, body: res.body };
        }),
      );
      const problems: string[] = [];
      for (const s of submitted) {
        if (s.status === 201) continue;
        // Refused before anything physical: only with a reason and the field it is about.
        if (s.status !== 422 || !s.body.pointer || !s.body.message)
          problems.push(
            `${s.source} (${s.corner}): admission answered ${s.status} ${JSON.stringify(s.body)}`,
          );
      }
      // Defaults must always be admitted.
      for (const s of submitted.filter((x) => x.corner === 'defaults' && x.status !== 201))
        problems.push(`${s.source} with its defaults was refused: ${JSON.stringify(s.body)}`);

      const admitted = submitted.filter((s) => s.status === 201);
      // All at once: a run that stops holds its station, and the runs queued behind it would wait for nothing.
      const ended = ['completed', 'failed', 'aborted', 'waiting-operator', 'paused'];
      const finals = await eventually(
        () =>
          Promise.all(
            admitted.map(async (s) => (await env.api<RunDetail>('GET', `/api/runs/${s.body.id}`)).body),
          ),
        (runs) =>
          runs.every((r) => ended.includes(r.state)) || runs.some((r) => ended.slice(1).includes(r.state)),
        600_000,
        'the shipped protocols run',
        1000,
      );
      for (const [i, s] of admitted.entries()) {
        const run = finals[i];
        const label = `${s.source} (${s.corner}, ${JSON.stringify(s.parameters)})`;
        if (run.state !== 'completed') {
          problems.push(`${label}: ${run.state}${run.reason ? `: ${run.reason}` : ''}`);
          continue;
        }
        for (const sampleId of run.samples) {
          const passport = (await env.api<Passport>('GET', `/api/samples/${sampleId}`)).body;
          const dg = passport.results.find((r) => r.name === 'degreeOfGrafting');
          if (!dg || !Number.isFinite(dg.value) || !(dg.uncertainty !== null && dg.uncertainty > 0))
            problems.push(
              `${label}: sample ${sampleId} has no DG with an uncertainty: ${JSON.stringify(dg)}; run ${run.id} ${run.reason ?? ''}; passport ${JSON.stringify({ ...passport, results: passport.results.map((r) => r.name) })}`,
            );
          // With its defaults a protocol grafts measurably (gravimetry resolves ±0.05 %): the styrene films once did not.
          else if (s.corner === 'defaults' && dg.value < 0.5)
            problems.push(`${label}: sample ${sampleId} barely grafted (DG ${dg.value.toFixed(1)} %)`);
          for (const output of s.doc.outputs ?? []) {
            const result = passport.results.find((r) => r.name === output.name);
            if (!result || !Number.isFinite(result.value))
              problems.push(`${label}: sample ${sampleId} lacks the declared output ${output.name}`);
          }
        }
      }
      expect(problems).toEqual([]);
      // Most corners are runnable: a refusal is the exception, and never for a protocol's defaults.
      expect(admitted.length).toBeGreaterThanOrEqual(cases.length - 2);
    });
  });
}
