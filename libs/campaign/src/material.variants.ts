import { readMiMaterials, type Db, type MiMaterials } from '@graftlab/db';
import type { Inventory } from '@graftlab/inventory';
import type { Params, Parameter } from '@graftlab/optimizer';
import { compileProtocol, parseProtocol, type Protocol } from '@graftlab/protocol';
import { DocumentError, toPointer, type Problem } from '@graftlab/validation';
import type { CampaignDefinition, MaterialRole, MaterialSpec, MaterialVariant } from './campaign.schema';

type Path = readonly (string | number)[];
const at = (path: Path, message: string): Problem => ({ pointer: toPointer([...path]), message });

/** The searched parameters that choose a material, by name. */
export type MaterialSpecs = Readonly<Record<string, MaterialSpec>>;

const ROLE_FIELD: Readonly<Record<MaterialRole, string>> = {
  basePolymer: 'materials/base/polymer',
  monomer: 'materials/monomer/name',
};

const same = (a: string | undefined, b: string) =>
  a !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();

/** Whether a protocol grafts the material named by a choice (base polymer, or monomer by name or abbreviation). */
function names(protocol: Protocol, role: MaterialRole, choice: string): boolean {
  if (role === 'basePolymer') return same(protocol.materials.base.polymer, choice);
  return (
    same(protocol.materials.monomer.name, choice) || same(protocol.materials.monomer.abbreviation, choice)
  );
}

const named = (protocol: Protocol, role: MaterialRole) =>
  role === 'basePolymer'
    ? `base polymer "${protocol.materials.base.polymer}"`
    : `monomer "${protocol.materials.monomer.name}"${protocol.materials.monomer.abbreviation ? ` (${protocol.materials.monomer.abbreviation})` : ''}`;

/**
 * The protocol document with variants applied: each variant's `materials` entries replace the fields they name
 * (`base`, `monomer`, `solvent`, … merged field by field), and its id says which materials it grafts, so runs of
 * different materials are stored as versions of their own protocol and never bump the pinned one.
 */
export function applyVariants(
  protocol: Protocol,
  variants: readonly { readonly choice: string; readonly variant: MaterialVariant }[],
): Record<string, unknown> {
  const doc = JSON.parse(JSON.stringify(protocol)) as Record<string, unknown> & {
    materials: Record<string, unknown>;
  };
  for (const { variant } of variants)
    for (const [key, patch] of Object.entries(variant.materials)) {
      const current = doc.materials[key];
      doc.materials[key] =
        patch !== null &&
        typeof patch === 'object' &&
        !Array.isArray(patch) &&
        current &&
        typeof current === 'object'
          ? { ...(current as Record<string, unknown>), ...(patch as Record<string, unknown>) }
          : patch;
    }
  if (variants.length) {
    const suffix = variants.map((v) => slug(v.choice)).join('-');
    doc.id = `${protocol.id}-${suffix}`.slice(0, 100).replace(/-+$/, '');
  }
  return doc;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'x';

/** The variants a proposal's material choices select, in the space's order. */
function chosen(specs: MaterialSpecs, params: Params) {
  return Object.entries(specs).flatMap(([name, spec]) => {
    const choice = String(params[name]);
    const variant = spec.variants[choice];
    return variant ? [{ name, choice, variant }] : [];
  });
}

/**
 * The protocol a proposal runs and its document: the pinned protocol with the variants of the proposal's
 * materials applied (the pinned protocol itself when the campaign searches no material).
 */
export function protocolFor(
  protocol: Protocol,
  specs: MaterialSpecs | undefined,
  params: Params,
): { protocol: Protocol; document?: Record<string, unknown> } {
  if (!specs || Object.keys(specs).length === 0) return { protocol };
  const document = applyVariants(protocol, chosen(specs, params));
  return { protocol: parseProtocol(document), document };
}

/** Parameter values a proposal's variants set (the campaign's fixed values and the proposal override them). */
export function variantParameters(specs: MaterialSpecs | undefined, params: Params): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { variant } of chosen(specs ?? {}, params)) Object.assign(out, variant.parameters ?? {});
  return out;
}

/**
 * Checks every material choice's protocol variant as the protocol compiler sees it, before anything is written:
 * each choice has a variant and each variant a choice; the pinned protocol with the variant applied is a valid
 * protocol, grafts the material the choice names, and compiles (defaults, the campaign's fixed values and the
 * variant's parameters) within the safety envelope. Problems point into the definition
 * (`/space/parameters/<i>/variants/<choice>/…`) and say what was found and what was expected.
 */
export function checkMaterialVariants(
  def: CampaignDefinition,
  protocol: Protocol,
  inventory: Inventory,
  now: Date,
): Problem[] {
  const problems: Problem[] = [];
  (def.space?.parameters ?? []).forEach((p, i) => {
    if (p.type !== 'categorical') return;
    const path = ['space', 'parameters', i];
    if (p.variants && !p.material) {
      problems.push(at([...path, 'material'], 'variants need "material": "basePolymer" or "monomer"'));
      return;
    }
    if (!p.material) {
      if (p.descriptors === 'database')
        problems.push(at([...path, 'descriptors'], 'descriptors from the database need "material"'));
      return;
    }
    if (!p.variants) {
      problems.push(
        at([...path, 'variants'], `a ${p.material} choice needs a protocol variant for each value`),
      );
      return;
    }
    for (const key of Object.keys(p.variants))
      if (!p.choices.includes(key))
        problems.push(at([...path, 'variants', key], `"${key}" is not a choice (${p.choices.join(', ')})`));
    for (const choice of p.choices) {
      const variant = p.variants[choice];
      const vpath = [...path, 'variants', choice];
      if (!variant) {
        problems.push(
          at([...path, 'variants'], `no protocol variant for "${choice}" (every choice needs one)`),
        );
        continue;
      }
      let variantProtocol: Protocol;
      try {
        variantProtocol = parseProtocol(applyVariants(protocol, [{ choice, variant }]));
      } catch (e) {
        if (!(e instanceof DocumentError)) throw e;
        for (const problem of e.problems)
          problems.push({
            pointer: problem.pointer.startsWith('/materials')
              ? `${toPointer(vpath)}${problem.pointer}`
              : toPointer(vpath),
            message: `the variant for "${choice}" is not a valid protocol: ${problem.pointer || '/'}: ${problem.message}`,
          });
        continue;
      }
      if (!names(variantProtocol, p.material, choice)) {
        problems.push(
          at(
            [...vpath, ...ROLE_FIELD[p.material].split('/')],
            `the variant for ${p.material} "${choice}" grafts ${named(variantProtocol, p.material)}; expected "${choice}"`,
          ),
        );
        continue;
      }
      const values = { ...(def.fixed ?? {}), ...(variant.parameters ?? {}) };
      for (const name of Object.keys(variant.parameters ?? {}))
        if (!variantProtocol.parameters.some((q) => q.name === name))
          problems.push(at([...vpath, 'parameters', name], `"${name}" is not a parameter of the protocol`));
      try {
        compileProtocol(variantProtocol, values, inventory, { now });
      } catch (e) {
        if (!(e instanceof DocumentError)) throw e;
        for (const problem of e.problems)
          problems.push(
            at(
              vpath,
              `the variant for "${choice}" does not compile: ${problem.pointer || '/'}: ${problem.message}`,
            ),
          );
      }
    }
  });
  return problems;
}

/**
 * Descriptor tables of the material parameters: given ones as they are; `"database"` (the default) from the MI
 * database's material tables (numeric descriptors of the base polymer or monomer of that name, the names every
 * choice has). A choice the database does not know, or without numeric descriptors, is a problem naming it.
 */
export async function materialDescriptors(
  db: Db,
  def: CampaignDefinition,
): Promise<{
  readonly tables: Map<number, Record<string, Record<string, number>>>;
  readonly problems: Problem[];
}> {
  const tables = new Map<number, Record<string, Record<string, number>>>();
  const problems: Problem[] = [];
  let materials: MiMaterials | undefined;
  const params = def.space?.parameters ?? [];
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (p.type !== 'categorical' || !p.material) continue;
    if (p.descriptors !== undefined && p.descriptors !== 'database') {
      tables.set(i, p.descriptors);
      continue;
    }
    materials ??= await readMiMaterials(db);
    const list = p.material === 'basePolymer' ? materials.basePolymers : materials.monomers;
    const table: Record<string, Record<string, number>> = {};
    p.choices.forEach((choice, j) => {
      const key = choice.trim().toLowerCase();
      const found =
        list.find((m) => m.name.toLowerCase() === key) ?? list.find((m) => m.id.toLowerCase() === key);
      const numbers: Record<string, number> = {};
      for (const [k, v] of Object.entries(found?.descriptors ?? {}))
        if (typeof v === 'number' && Number.isFinite(v)) numbers[k] = v;
      if (!found || Object.keys(numbers).length === 0) {
        const tableName = p.material === 'basePolymer' ? 'base_polymers' : 'monomers';
        problems.push(
          at(
            ['space', 'parameters', i, 'choices', j],
            found
              ? `${p.material} "${choice}" has no numeric descriptors in the MI database (${tableName}); give "descriptors"`
              : `${p.material} "${choice}" is not in the MI database (${tableName}); record it or give "descriptors"`,
          ),
        );
        return;
      }
      table[choice] = numbers;
    });
    if (Object.keys(table).length !== p.choices.length) continue;
    // The descriptors every choice has: a model needs the same inputs for each.
    const common = Object.keys(table[p.choices[0]]).filter((k) => p.choices.every((c) => k in table[c]));
    if (common.length === 0) {
      problems.push(
        at(['space', 'parameters', i, 'descriptors'], 'the choices share no descriptor in the MI database'),
      );
      continue;
    }
    tables.set(
      i,
      Object.fromEntries(p.choices.map((c) => [c, Object.fromEntries(common.map((k) => [k, table[c][k]]))])),
    );
  }
  return { tables, problems };
}

/** The optimizer's view of a material parameter: a categorical with its descriptor table. */
export function optimizerParameter(
  p: NonNullable<CampaignDefinition['space']>['parameters'][number],
  table: Record<string, Record<string, number>> | undefined,
): Parameter {
  if (p.type === 'number') return p;
  const { material: _m, variants: _v, descriptors, ...rest } = p;
  const resolved = table ?? (descriptors && descriptors !== 'database' ? descriptors : undefined);
  return resolved ? { ...rest, descriptors: resolved } : rest;
}
