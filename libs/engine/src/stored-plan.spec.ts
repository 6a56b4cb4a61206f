import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInventory } from '@graftlab/inventory';
import { bindPlan, checkSafety, compileProtocol } from '@graftlab/protocol';
import { outputsWithUncertainty } from './results';
import { parseSharedProtocol, protocolOfVersion } from './stored-plan';

const ROOT = join(__dirname, '..', '..', '..');
const INVENTORY = loadInventory(join(ROOT, 'devices', 'virtual-lab.json'));
const SHIPPED = readdirSync(join(ROOT, 'protocols')).filter((f) => f.endsWith('.json'));
const documentOf = (file: string) =>
  JSON.parse(readFileSync(join(ROOT, 'protocols', file), 'utf8')) as Record<string, unknown>;

describe('protocol versions parsed once per process', () => {
  it('share one parse per version and content hash, and parse a row without its hash each time', () => {
    const document = documentOf('pe-gma-emulsion.json');
    const row = { protocolId: 'p', version: 1, contentHash: 'h1', document };
    const first = protocolOfVersion(row);
    expect(protocolOfVersion({ ...row })).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.steps[0])).toBe(true);
    expect(protocolOfVersion({ ...row, contentHash: 'h2' })).not.toBe(first);
    expect(protocolOfVersion({ ...row, version: 2 })).not.toBe(first);
    const unhashed = { ...row, contentHash: '' };
    expect(protocolOfVersion(unhashed)).not.toBe(protocolOfVersion(unhashed));
  });

  it.each(SHIPPED)(
    'a frozen parse of %s compiles, binds and computes its outputs (nothing writes to a shared protocol)',
    (file) => {
      const protocol = parseSharedProtocol(documentOf(file));
      const compiled = compileProtocol(protocol, {}, INVENTORY, { now: new Date('2026-12-01T08:00:00Z') });
      expect(checkSafety(compiled, INVENTORY)).toEqual([]);
      const plan = bindPlan(compiled, INVENTORY, 'reactor-2');
      expect(plan.steps.length).toBe(compiled.steps.length);
      // Outputs read the protocol too; missing values are an error of the inputs, not a write.
      try {
        outputsWithUncertainty(protocol, {}, compiled.parameters);
      } catch (e) {
        expect(e).not.toBeInstanceOf(TypeError);
      }
    },
  );
});
