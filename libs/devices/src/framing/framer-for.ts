import type { FrameParser } from './frame-parser';
import { CavroDtFramer } from './cavro-dt.framer';
import { AlicatFramer, CrLfFramer, ScpiFramer } from './delimiter.framer';
import { NewEraBasicFramer } from './new-era-basic.framer';
import { NewEraSafeFramer } from './new-era-safe.framer';
import { Sc10Framer } from './sc10.framer';

export type FramerKind = 'new-era-basic' | 'new-era-safe' | 'cavro-dt' | 'crlf' | 'alicat' | 'sc10' | 'scpi';

/** A fresh framer of a kind (the line re-creates its pipeline after every reopen). */
export function createFramer(kind: FramerKind): FrameParser {
  switch (kind) {
    case 'new-era-basic':
      return new NewEraBasicFramer();
    case 'new-era-safe':
      return new NewEraSafeFramer();
    case 'cavro-dt':
      return new CavroDtFramer();
    case 'crlf':
      return new CrLfFramer();
    case 'alicat':
      return new AlicatFramer();
    case 'sc10':
      return new Sc10Framer();
    case 'scpi':
      return new ScpiFramer();
  }
}
