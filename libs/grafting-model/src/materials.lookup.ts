import type { BasePolymer, CoMonomer, Monomer } from './materials.types';
import { CO_MONOMERS, MONOMERS } from './monomers.catalog';
import { BASE_POLYMERS } from './polymers.catalog';

const norm = (name: string) => name.trim().toLowerCase();

const POLYMER_BY_NAME = new Map<string, BasePolymer>(
  BASE_POLYMERS.flatMap((p) => [p.id, ...p.aliases].map((n) => [norm(n), p] as const)),
);
const MONOMER_BY_NAME = new Map<string, Monomer>(MONOMERS.map((m) => [norm(m.id), m]));
const CO_MONOMER_BY_NAME = new Map<string, CoMonomer>(CO_MONOMERS.map((c) => [norm(c.id), c]));

/** A catalogue base polymer by id or one of the lab's older names (case-insensitive). */
export function findBasePolymer(name: string): BasePolymer | undefined {
  return POLYMER_BY_NAME.get(norm(name));
}

export function findMonomer(name: string): Monomer | undefined {
  return MONOMER_BY_NAME.get(norm(name));
}

export function findCoMonomer(name: string): CoMonomer | undefined {
  return CO_MONOMER_BY_NAME.get(norm(name));
}

/** Key of a (polymer, monomer) pair by catalogue ids. */
export const pairKey = (polymerId: string, monomerId: string) => `${polymerId}|${monomerId}`;
