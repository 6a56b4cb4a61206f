import type { CoMonomer, Monomer } from './materials.types';

/**
 * Monomers of the virtual lab (reference §1.4, §1.6, §2.8). Molar masses are from the formulas [D]; the
 * functionalized molar mass is the repeat unit in its titrated form after the chemistry (Cl⁻ form for anion
 * exchangers, H⁺ form for acids). logP, Alfrey–Price Q–e, k_p and polarizability are handbook-typical values
 * rounded for a simulator [A]; the QST descriptor set itself (DFT polarizability, ¹⁷O NMR shift) is not public.
 */
export const MONOMERS: readonly Monomer[] = [
  {
    id: 'styrene',
    name: 'styrene',
    smiles: 'C=Cc1ccccc1',
    cas: '100-42-5',
    molarMass: 104.15, // [D] C8H8
    functionalizedMolarMass: 184.2, // [D] styrenesulfonic acid unit, as in the reference's IEC check
    logP: 2.95, // [A]
    q: 1, // reference monomer of the Q–e scale
    e: -0.8,
    kpRelative: 1, // [A] ≈340 L/mol/s at 60 °C
    polarizabilityA3: 14.4, // [A]
    chemistry: 'sulfonation',
    group: 'sulfonic acid',
    ion: 'H+',
    standardMedium: 'toluene',
    alpha: 1.5, // [S] range 1.0–1.9, reference default
  },
  {
    id: 'VBC',
    name: '4-vinylbenzyl chloride (CMS)',
    smiles: 'C=Cc1ccc(CCl)cc1',
    cas: '1592-20-7', // 4-isomer; the commercial m/p mixture is 30030-25-2
    molarMass: 152.62, // [D] C9H9Cl
    functionalizedMolarMass: 211.7, // [D] vinylbenzyltrimethylammonium chloride unit (reference IEC check)
    logP: 3.4, // [A]
    q: 1, // [A]
    e: -0.6, // [A]
    kpRelative: 1.2, // [A]
    polarizabilityA3: 17.5, // [A]
    chemistry: 'quaternization',
    group: 'benzyltrimethylammonium',
    ion: 'OH-',
    standardMedium: 'toluene',
    alpha: 1.2, // [S] 1.21 on nylon-6 (§2.1); the ETFE/VBC system uses it
  },
  {
    id: 'GMA',
    name: 'glycidyl methacrylate',
    smiles: 'C=C(C)C(=O)OCC1CO1',
    cas: '106-91-2',
    molarMass: 142.15, // [D] C7H10O3
    functionalizedMolarMass: 202.25, // [D] ethylenediamine ring-opened unit
    logP: 0.96, // [A]
    q: 0.96, // [A]
    e: 0.59, // [A]
    kpRelative: 4.5, // [A] methacrylate, ≈1.5e3 L/mol/s
    polarizabilityA3: 13.6, // [A]
    chemistry: 'amination',
    group: 'amine',
    ion: 'none',
    standardMedium: 'water-emulsion', // [A] GMA/Tween 20 emulsion (§1.4)
    alpha: 1.5, // [S] range; 1.76 on nylon-6
  },
  {
    // The reference's emulsion anchor (Ma 2011: 135 % at 30 kGy, 5 wt%, 40 °C, 2 h; 2.8 mmol/g amine after EDA)
    // is the glycidyl ether of 4-hydroxybutyl acrylate: the epoxide is what the amine opens.
    id: '4-HB',
    name: '4-hydroxybutyl acrylate glycidyl ether',
    smiles: 'C=CC(=O)OCCCCOCC1CO1',
    cas: '119692-59-0',
    molarMass: 200.23, // [D] C10H16O4 (reference M_m 200.2)
    functionalizedMolarMass: 260.33, // [D] ethylenediamine adduct (reference M_f 260.3)
    logP: 0.9, // [A]
    q: 0.42, // [A] alkyl acrylate
    e: 0.6, // [A]
    kpRelative: 80, // [A] acrylate, ≈3e4 L/mol/s
    polarizabilityA3: 20.5, // [A]
    chemistry: 'amination',
    group: 'amine',
    ion: 'none',
    standardMedium: 'water-emulsion', // [S] 5 % monomer + 0.5 % Span 20
    alpha: 1.5, // [A] §2.6 emulsion default
  },
  {
    id: 'AA',
    name: 'acrylic acid',
    smiles: 'C=CC(=O)O',
    cas: '79-10-7',
    molarMass: 72.06, // [D] C3H4O2
    functionalizedMolarMass: 72.06, // no post-grafting chemistry: the acid is the function
    logP: 0.35, // [A]
    q: 1.15, // [A]
    e: 0.77, // [A]
    kpRelative: 40, // [A] in water
    polarizabilityA3: 6.9, // [A]
    chemistry: 'none',
    group: 'carboxylic acid',
    ion: 'H+',
    standardMedium: 'water', // [S] aqueous, Mohr's salt against homopolymer
    alpha: 1.5, // [A]
  },
  {
    id: 'NVIm',
    name: 'N-vinylimidazole',
    smiles: 'C=Cn1ccnc1',
    cas: '1072-63-5',
    molarMass: 94.12, // [D] C5H6N2
    functionalizedMolarMass: 144.6, // [D] 1-methyl-3-vinylimidazolium chloride unit
    logP: 0.6, // [A]
    q: 0.11, // [A] non-conjugated vinyl: poorly reactive
    e: -0.68, // [A]
    kpRelative: 0.5, // [A]
    polarizabilityA3: 10.3, // [A]
    chemistry: 'quaternization', // [S] N-alkylation, then ion exchange
    group: 'imidazolium',
    ion: 'OH-',
    standardMedium: 'IPA/MeOH', // [A]
    alpha: 1.5, // [A]
  },
  {
    id: 'VBTAC',
    name: 'vinylbenzyltrimethylammonium chloride',
    smiles: 'C=Cc1ccc(C[N+](C)(C)C)cc1.[Cl-]',
    cas: '26616-35-3',
    molarMass: 211.73, // [D] C12H18NCl
    functionalizedMolarMass: 211.73, // already quaternary
    logP: -2.5, // [A] salt: stays in water
    q: 0.9, // [A]
    e: 0.2, // [A]
    kpRelative: 2, // [A]
    polarizabilityA3: 25, // [A]
    chemistry: 'none',
    group: 'benzyltrimethylammonium',
    ion: 'Cl-',
    standardMedium: 'water',
    alpha: 1.5, // [A]
  },
  {
    id: 'MMA',
    name: 'methyl methacrylate',
    smiles: 'C=C(C)C(=O)OC',
    cas: '80-62-6',
    molarMass: 100.12, // [D] C5H8O2
    functionalizedMolarMass: 100.12, // non-functional control
    logP: 1.38, // [A]
    q: 0.74, // [A]
    e: 0.4, // [A]
    kpRelative: 2.4, // [A] ≈830 L/mol/s at 60 °C
    polarizabilityA3: 10.6, // [A]
    chemistry: 'none',
    group: 'none',
    ion: 'none',
    standardMedium: 'water-emulsion', // [S qual.] methacrylate esters on PE/PP nonwoven (Ueki 2021)
    alpha: 1.5, // [A]
  },
  {
    id: '4VP',
    name: '4-vinylpyridine',
    smiles: 'C=Cc1ccncc1',
    cas: '100-43-6',
    molarMass: 105.14, // [D] C7H7N
    functionalizedMolarMass: 155.63, // [D] N-methyl-4-vinylpyridinium chloride unit
    logP: 1.4, // [A]
    q: 0.82, // [A]
    e: -0.2, // [A]
    kpRelative: 1.5, // [A]
    polarizabilityA3: 12.9, // [A]
    chemistry: 'quaternization',
    group: 'pyridinium',
    ion: 'OH-',
    standardMedium: 'IPA/MeOH', // [A]
    alpha: 1.5, // [A]
  },
];

/**
 * Co-grafting recipes. St/NVIm 1:1 is the QST imidazolium AEM that keeps >10 mS/cm for 250 h in 1 M KOH
 * at 80 °C [S]; only the imidazole units are alkylated, the styrene units stay hydrophobic.
 */
export const CO_MONOMERS: readonly CoMonomer[] = [
  {
    id: 'St/NVIm 1:1',
    name: 'styrene / N-vinylimidazole 1:1',
    components: [
      { monomer: 'styrene', fraction: 0.5 },
      { monomer: 'NVIm', fraction: 0.5 },
    ],
    chemistry: 'quaternization',
  },
];
