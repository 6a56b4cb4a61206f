import type { BasePolymer, CoMonomer, Monomer } from './materials.types';
import { CO_MONOMERS, MONOMERS } from './monomers.catalog';
import { BASE_POLYMERS } from './polymers.catalog';

const norm = (name: string) => name.trim().toLowerCase();

const POLYMER_BY_NAME = new Map<string, BasePolymer>(
  BASE_POLYMERS.flatMap((p) => [p.id, ...p.aliases].map((n) => [norm(n), p] as const)),
);
/** Abbreviations protocols write in `materials.monomer.abbreviation` (St for styrene, CMS for VBC). */
const MONOMER_ABBREVIATIONS: Readonly<Record<string, string>> = {
  st: 'styrene',
  cms: 'VBC',
  'vinylbenzyl chloride': 'VBC',
  '4-vinylbenzyl chloride': 'VBC',
  hba: '4-HB',
  nvi: 'NVIm',
  '4-vp': '4VP',
};
const MONOMER_BY_NAME = new Map<string, Monomer>([
  ...MONOMERS.flatMap((m) => [m.id, m.name].map((n) => [norm(n), m] as const)),
  ...Object.entries(MONOMER_ABBREVIATIONS).flatMap(([abbreviation, id]) => {
    const m = MONOMERS.find((x) => x.id === id);
    return m ? [[abbreviation, m] as const] : [];
  }),
]);
const CO_MONOMER_BY_NAME = new Map<string, CoMonomer>(CO_MONOMERS.map((c) => [norm(c.id), c]));

/** A catalogue base polymer by id or one of the lab's older names (case-insensitive). */
export function findBasePolymer(name: string): BasePolymer | undefined {
  return POLYMER_BY_NAME.get(norm(name));
}

/** A catalogue monomer by id, name or a common abbreviation (case-insensitive). */
export function findMonomer(name: string): Monomer | undefined {
  return MONOMER_BY_NAME.get(norm(name));
}

export function findCoMonomer(name: string): CoMonomer | undefined {
  return CO_MONOMER_BY_NAME.get(norm(name));
}

/** Key of a (polymer, monomer) pair by catalogue ids. */
export const pairKey = (polymerId: string, monomerId: string) => `${polymerId}|${monomerId}`;
