// Public names of the serial transports, framers and drivers (re-exported by the library index).
export { sleepReal } from './transports/abortable';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './transports/backoff';
export { endpointFor, type ByteEndpoint } from './transports/byte-endpoint';
export { SerialEndpoint } from './transports/serial.endpoint';
export { TcpEndpoint } from './transports/tcp.endpoint';
export { LineMutex } from './transports/line-mutex';
export { LineRegistry, defaultLineRegistry } from './transports/line-registry';
export {
  SerialLine,
  type LineEvent,
  type LineOptions,
  type LineTransaction,
  type WaitOptions,
} from './transports/serial-line';

export { FrameParser, MAX_FRAME_BYTES } from './framing/frame-parser';
export { crc16Xmodem } from './framing/crc16-xmodem';
export { NewEraBasicFramer } from './framing/new-era-basic.framer';
export { NewEraSafeFramer, encodeSafePacket, decodeSafePacket } from './framing/new-era-safe.framer';
export { CavroDtFramer } from './framing/cavro-dt.framer';
export { DelimiterFramer, CrLfFramer, AlicatFramer, ScpiFramer } from './framing/delimiter.framer';
export { Sc10Framer } from './framing/sc10.framer';
export { createFramer, type FramerKind } from './framing/framer-for';

export { SerialDriver } from './drivers/serial-driver.base';
export { Ne1000Pump } from './drivers/ne1000/ne1000.driver';
export { CavroPump, CAVRO_FULL_STROKE } from './drivers/cavro/cavro.driver';
export { MtSicsBalance } from './drivers/mt-sics/mt-sics.driver';
export { Sc10Shutter } from './drivers/sc10/sc10.driver';
export { JulaboCirculator, JULABO_OUT_GAP_MS } from './drivers/julabo/julabo.driver';
export { AlicatFlowController } from './drivers/alicat/alicat.driver';
export { TitrinoTitrator } from './drivers/titrino/titrino.driver';
export { TITRATION_FAILURES, TITRINO_MESSAGES } from './drivers/titrino/titrino.codec';
export { E4990aImpedanceAnalyser, DEFAULT_SWEEP } from './drivers/e4990a/e4990a.driver';
export {
  conductivityFromResistance,
  highFrequencyIntercept,
  type InterceptFit,
} from './drivers/impedance.fit';
export { createSerialDriver, SERIAL_DRIVERS, type SerialDriverName } from './drivers/create-serial-driver';
