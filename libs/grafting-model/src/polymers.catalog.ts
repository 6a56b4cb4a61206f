import type { BasePolymer } from './materials.types';

/**
 * Base polymers of the virtual lab (reference §2.6 inputs, §2.8 descriptors). Tags: [S] stated in the
 * reference's sources, [D] derived from them, [A] assumed (datasheet-typical or chosen to keep the reference's
 * orderings: G(R) PP < PE, ETFE > FEP; PTFE and FEP most dose-sensitive, PE least).
 * The trapped-radical figures of ETFE, FEP, PTFE and the nonwovens are the §2.6 defaults the anchored
 * systems were fitted with, so catalogue and anchors agree.
 */
export const BASE_POLYMERS: readonly BasePolymer[] = [
  {
    id: 'ETFE',
    name: 'poly(ethylene-alt-tetrafluoroethylene) film',
    aliases: [],
    form: 'film',
    thicknessUm: 25, // [S] 25–100 µm films (§2.1)
    crystallinity: 0.4, // [A] typical 0.35–0.45
    densityGPerCm3: 1.7, // [A] datasheet 1.70–1.76
    tgC: 90, // [A] reported 85–110 °C
    radicalYield: 0.8, // [A] ETFE > FEP [S]
    radiationResponse: 0.5, // [A] crosslinks
    fluorinated: 1,
    solubilityParameter: 15.5, // [A]
    trappedRadicals: { crystallineFraction: 0.7, tauCrystallineH: 240, tauAmorphousH: 12 }, // [A] §2.6 defaults
    mechanics: { elongationPct: 350, dMechKGy: 600, dgMechPct: 100 }, // [A]; studied to 1200 kGy [S qual.]
  },
  {
    id: 'FEP',
    name: 'poly(tetrafluoroethylene-co-hexafluoropropylene) film',
    aliases: [],
    form: 'film',
    thicknessUm: 25, // [S] 25 µm FEP (§1.7)
    crystallinity: 0.45, // [A]
    densityGPerCm3: 2.15, // [A]
    tgC: 80, // [A]
    radicalYield: 0.42, // [A] max DG 40 % vs ETFE 80 % [S] → about half of ETFE
    radiationResponse: -0.5, // [A] scission
    fluorinated: 1,
    solubilityParameter: 12.7, // [A]
    trappedRadicals: { crystallineFraction: 0.7, tauCrystallineH: 240, tauAmorphousH: 12 }, // [A] §2.6 defaults
    mechanics: { elongationPct: 300, dMechKGy: 100, dgMechPct: 80 }, // [A] dose-sensitive [S qual.]
  },
  {
    id: 'PTFE',
    name: 'polytetrafluoroethylene skived film',
    aliases: [],
    form: 'film',
    thicknessUm: 50, // [A]
    crystallinity: 0.6, // [A] sintered 0.5–0.7
    densityGPerCm3: 2.18, // [A]
    tgC: 120, // [A] α relaxation 115–130 °C
    radicalYield: 0.45, // [A]
    radiationResponse: -1, // [S qual.] scission-dominated
    fluorinated: 1,
    solubilityParameter: 12.7, // [A]
    trappedRadicals: { crystallineFraction: 0.7, tauCrystallineH: 240, tauAmorphousH: 12 }, // [A] §2.6 defaults
    mechanics: { elongationPct: 300, dMechKGy: 30, dgMechPct: 80 }, // [A] most dose-sensitive [S qual.]
  },
  {
    id: 'PVDF',
    name: 'poly(vinylidene fluoride) film',
    aliases: [],
    form: 'film',
    thicknessUm: 25, // [A]
    crystallinity: 0.5, // [A] 0.45–0.55
    densityGPerCm3: 1.78, // [A]
    tgC: -35, // [A]
    radicalYield: 0.9, // [A]
    radiationResponse: 0.5, // [A] crosslinks
    fluorinated: 1,
    solubilityParameter: 23.2, // [A] polar
    trappedRadicals: { crystallineFraction: 0.6, tauCrystallineH: 240, tauAmorphousH: 6 }, // [A]
    mechanics: { elongationPct: 250, dMechKGy: 400, dgMechPct: 100 }, // [A]
  },
  {
    id: 'LDPE',
    name: 'low-density polyethylene film',
    aliases: [],
    form: 'film',
    thicknessUm: 25, // [S] 25 µm LDPE (Meek/Varcoe)
    crystallinity: 0.4, // [A]
    densityGPerCm3: 0.92, // [A]
    tgC: -110, // [A]
    radicalYield: 1, // reference of the G(R) scale; PP < PE [S]
    radiationResponse: 0.8, // [S qual.] crosslinks
    fluorinated: 0,
    solubilityParameter: 16.2, // [A]
    trappedRadicals: { crystallineFraction: 0.4, tauCrystallineH: 20, tauAmorphousH: 1.5 }, // [A] faster than HDPE
    mechanics: { elongationPct: 500, dMechKGy: 2000, dgMechPct: 150 }, // [A] least dose-sensitive [S qual.]
  },
  {
    id: 'HDPE',
    name: 'high-density polyethylene film',
    aliases: [],
    form: 'film',
    thicknessUm: 30, // [A]
    crystallinity: 0.7, // [A] 0.6–0.8
    densityGPerCm3: 0.955, // [A]
    tgC: -110, // [A]
    radicalYield: 0.9, // [A]
    radiationResponse: 0.7, // [A]
    fluorinated: 0,
    solubilityParameter: 16.4, // [A]
    // [D] radicals decay ≈30× faster than in UHMWPE (t½ 26 d [S]): t½ 0.87 d → τ 30 h; amorphous pool [A]
    trappedRadicals: { crystallineFraction: 0.7, tauCrystallineH: 30, tauAmorphousH: 2 },
    mechanics: { elongationPct: 600, dMechKGy: 1500, dgMechPct: 120 }, // [A]
  },
  {
    id: 'UHMWPE fibre',
    name: 'ultra-high-molecular-weight polyethylene fibre',
    aliases: ['UHMWPE'],
    form: 'fibre',
    thicknessUm: 15, // [A] fibre diameter 12–17 µm
    crystallinity: 0.85, // [A] gel-spun 0.8–0.9
    densityGPerCm3: 0.97, // [A]
    tgC: -110, // [A]
    radicalYield: 0.9, // [A]
    radiationResponse: 0.7, // [A]
    fluorinated: 0,
    solubilityParameter: 16.4, // [A]
    // [D] t½ 26 d at RT under vacuum [S] → τ = 26·24/ln 2 = 900 h; amorphous pool [A]
    trappedRadicals: { crystallineFraction: 0.85, tauCrystallineH: 900, tauAmorphousH: 6 },
    mechanics: { elongationPct: 3.5, dMechKGy: 1000, dgMechPct: 150 }, // [A] fibres break at 3–4 %
  },
  {
    id: 'PE/PP nonwoven',
    name: 'polyethylene-sheathed polypropylene nonwoven fabric',
    aliases: ['PE/PP', 'PE'], // the lab's older names (its first system table gave them the nonwoven's figures)
    form: 'nonwoven',
    thicknessUm: 100, // [A] fabric thickness; fibres ≈15 µm
    basisWeightGPerM2: 50, // [A]
    crystallinity: 0.45, // [A]
    densityGPerCm3: 0.93, // [A]
    tgC: -30, // [A] set by the PP core
    radicalYield: 0.9, // [A] between PP and PE [S order]
    radiationResponse: 0.4, // [A] PE sheath crosslinks, PP core cuts
    fluorinated: 0,
    solubilityParameter: 16.5, // [A]
    trappedRadicals: { crystallineFraction: 0.6, tauCrystallineH: 120, tauAmorphousH: 6 }, // [A] §2.6 defaults
    mechanics: { elongationPct: 60, dMechKGy: 800, dgMechPct: 200 }, // [A]
  },
  {
    id: 'PP nonwoven',
    name: 'polypropylene nonwoven fabric',
    aliases: ['PP'],
    form: 'nonwoven',
    thicknessUm: 100, // [A]
    basisWeightGPerM2: 40, // [A]
    crystallinity: 0.5, // [A]
    densityGPerCm3: 0.905, // [A]
    tgC: -10, // [A]
    radicalYield: 0.8, // [A] PP < PE [S]
    radiationResponse: -0.3, // [A] scission-dominated
    fluorinated: 0,
    solubilityParameter: 16.8, // [A]
    trappedRadicals: { crystallineFraction: 0.6, tauCrystallineH: 120, tauAmorphousH: 6 }, // [A] §2.6 defaults
    mechanics: { elongationPct: 50, dMechKGy: 300, dgMechPct: 200 }, // [A]
  },
  {
    id: 'PEEK',
    name: 'poly(ether ether ketone) film',
    aliases: [],
    form: 'film',
    thicknessUm: 25, // [A]
    crystallinity: 0.3, // [A] 0.25–0.35
    densityGPerCm3: 1.3, // [A]
    tgC: 143, // [A] datasheet
    radicalYield: 0.12, // [A] aromatic, radiation-resistant
    radiationResponse: 0.3, // [A]
    fluorinated: 0,
    solubilityParameter: 21, // [A]
    trappedRadicals: { crystallineFraction: 0.7, tauCrystallineH: 2000, tauAmorphousH: 48 }, // [A] glassy matrix
    mechanics: { elongationPct: 100, dMechKGy: 10000, dgMechPct: 80 }, // [A]
  },
];
