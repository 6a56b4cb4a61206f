// Public names of the serial twins (re-exported by the library index).
export { createSerialTwin } from './create-serial-twin';
export { SerialTwinBase, type SerialTwin, type TwinCounters, type TwinLink } from './serial-twin.base';
export { WireTrace, type TraceEntry } from './wire-trace';
export { spawnPtyPair, type PtyPair } from './pty-pair';
export { Ne1000Twin } from './ne1000.twin';
export { CavroTwin, cavroAddressChar } from './cavro.twin';
export { MtSicsTwin } from './mt-sics.twin';
export { Sc10Twin } from './sc10.twin';
export { JulaboTwin } from './julabo.twin';
export { AlicatTwin } from './alicat.twin';
export { TitrinoTwin, TITRINO_METHODS } from './titrino.twin';
export { E4990aTwin } from '../scpi/e4990a.twin';
