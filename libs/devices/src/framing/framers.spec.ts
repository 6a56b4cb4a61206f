import fc from 'fast-check';
import { CavroDtFramer } from './cavro-dt.framer';
import { crc16Xmodem } from './crc16-xmodem';
import { AlicatFramer, CrLfFramer, ScpiFramer } from './delimiter.framer';
import type { FrameParser } from './frame-parser';
import { NewEraBasicFramer } from './new-era-basic.framer';
import { decodeSafePacket, encodeSafePacket, NewEraSafeFramer } from './new-era-safe.framer';
import { Sc10Framer } from './sc10.framer';

const bin = (s: string) => Buffer.from(s, 'latin1');
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** Feeds chunks through a fresh framer and collects the frames it emits. */
function feed(make: () => FrameParser, chunks: Buffer[]): string[] {
  const framer = make();
  const out: string[] = [];
  framer.on('data', (f: Buffer) => out.push(f.toString('latin1')));
  for (const c of chunks) framer.write(c);
  return out;
}

interface Case {
  readonly name: string;
  readonly make: () => FrameParser;
  /** Wire bytes and the frames they must give. */
  readonly wire: Buffer;
  readonly frames: string[];
}

const CASES: Case[] = [
  {
    name: 'New Era basic (STX..ETX, no CR)',
    make: () => new NewEraBasicFramer(),
    wire: bin('\x0200S\x03\x0200S26.59\x03\x0200SI2.500W0.000ML\x03\x0200A?R\x03'),
    frames: ['00S', '00S26.59', '00SI2.500W0.000ML', '00A?R'],
  },
  {
    name: 'New Era safe (length + CRC)',
    make: () => new NewEraSafeFramer(),
    wire: Buffer.concat([hex('02 0C 30 30 53 32 36 2E 35 39 22 E5 03'), hex('02 07 30 30 49 19 DD 03')]),
    frames: [
      hex('02 0C 30 30 53 32 36 2E 35 39 22 E5 03').toString('latin1'),
      hex('02 07 30 30 49 19 DD 03').toString('latin1'),
    ],
  },
  {
    name: 'Cavro DT (strip 0xFF and slash, split on ETX CR LF)',
    make: () => new CavroDtFramer(),
    wire: bin('\xff/0`\x03\r\n\xff/0@\x03\r\n\xff/0`3000\x03\r\n'),
    frames: ['0`', '0@', '0`3000'],
  },
  {
    name: 'MT-SICS / JULABO (CR LF)',
    make: () => new CrLfFramer(),
    wire: bin('S S     100.00 g\r\nZ A\r\n24.96\r\n'),
    frames: ['S S     100.00 g', 'Z A', '24.96'],
  },
  {
    name: 'Alicat (CR, NUL stripped)',
    make: () => new AlicatFramer(),
    wire: bin('A +014.70 +025.00 +00.000 +00.000 +00.000 N2\r\0A ?\r'),
    frames: ['A +014.70 +025.00 +00.000 +00.000 +00.000 N2', 'A ?'],
  },
  {
    name: 'SCPI (LF, CR tolerated)',
    make: () => new ScpiFramer(),
    wire: bin(
      'Keysight Technologies,E4990A,MY54300211,A.02.14\n+0,"No error"\r\n+1.000000000E+06,+1.000000000E+02\n',
    ),
    frames: [
      'Keysight Technologies,E4990A,MY54300211,A.02.14',
      '+0,"No error"',
      '+1.000000000E+06,+1.000000000E+02',
    ],
  },
  {
    name: 'SC10 (until "> ", echo dropped)',
    make: () => new Sc10Framer(),
    wire: bin('ens?\r0\r> ens\r> closed?\r1\r> '),
    frames: ['0', '', '1'],
  },
];

describe.each(CASES)('$name framer', ({ make, wire, frames }) => {
  it('frames the reference bytes in one chunk', () => {
    expect(feed(make, [wire])).toEqual(frames);
  });

  it('gives the same frames when the stream is split at every byte offset', () => {
    for (let i = 1; i < wire.length; i++) {
      expect(feed(make, [wire.subarray(0, i), wire.subarray(i)])).toEqual(frames);
    }
    expect(
      feed(
        make,
        [...wire].map((b) => Buffer.from([b])),
      ),
    ).toEqual(frames);
  });

  it('gives the same frames for any chunking (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: wire.length }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let last = 0;
        for (const p of points) {
          chunks.push(wire.subarray(last, p));
          last = p;
        }
        chunks.push(wire.subarray(last));
        expect(feed(make, chunks)).toEqual(frames);
      }),
      { numRuns: 200 },
    );
  });

  it('drops a partial frame on reset and frames the next one cleanly', () => {
    const framer = make();
    const out: string[] = [];
    framer.on('data', (f: Buffer) => out.push(f.toString('latin1')));
    framer.write(wire.subarray(0, 2));
    framer.reset();
    framer.write(wire);
    expect(out).toEqual(frames);
  });
});

describe('framers and noise', () => {
  it('New Era basic skips garbage before STX', () => {
    expect(feed(() => new NewEraBasicFramer(), [bin('\xff\x00zz\x0200S\x03')])).toEqual(['00S']);
    // A frame cut by a new STX resyncs on the later one.
    expect(feed(() => new NewEraBasicFramer(), [bin('\x0200\x0200I\x03')])).toEqual(['00I']);
  });

  it('New Era safe resyncs after garbage and impossible lengths', () => {
    const good = hex('02 07 30 30 49 19 DD 03');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20 }), (noise) => {
        const clean = Buffer.from([...noise].map((b) => (b === 0x02 ? 0x00 : b)));
        expect(feed(() => new NewEraSafeFramer(), [Buffer.concat([clean, good])])).toEqual([
          good.toString('latin1'),
        ]);
      }),
    );
    expect(feed(() => new NewEraSafeFramer(), [Buffer.concat([hex('02 01'), good])])).toEqual([
      good.toString('latin1'),
    ]);
  });

  it('Cavro DT drops a terminator without a start', () => {
    expect(feed(() => new CavroDtFramer(), [bin('junk\x03\r\n\xff/0`\x03\r\n')])).toEqual(['0`']);
  });

  it('a flood without a frame end does not grow the buffer without bound', () => {
    expect(feed(() => new CrLfFramer(), [Buffer.alloc(10_000, 0x41), bin('Z A\r\n')])).toEqual(['Z A']);
  });

  it('SCPI frames a 1601-point data array (about 54 kB) whole', () => {
    const array = Array.from({ length: 3202 }, (_, i) => `+${i}.000000000E+00`).join(',');
    expect(array.length).toBeGreaterThan(50_000);
    expect(feed(() => new ScpiFramer(), [bin(`${array}\n`)])).toEqual([array]);
  });
});

describe('New Era safe-mode CRC', () => {
  it('matches the manual: SAF0 -> 55 43', () => {
    expect(crc16Xmodem(bin('SAF0')).toString(16)).toBe('5543');
    expect(encodeSafePacket('SAF0')).toEqual(hex('02 08 53 41 46 30 55 43 03'));
  });

  it.each([
    ['0SAF50', '02 0A 30 53 41 46 35 30 AF 7A 03'],
    ['0DIA', '02 08 30 44 49 41 02 35 03'],
    ['00S26.59', '02 0C 30 30 53 32 36 2E 35 39 22 E5 03'],
    ['0RUN', '02 08 30 52 55 4E 44 07 03'],
    ['00I', '02 07 30 30 49 19 DD 03'],
    ['00A?R', '02 09 30 30 41 3F 52 65 86 03'],
  ])('encodes %s as the reference packet', (data, packet) => {
    expect(encodeSafePacket(data)).toEqual(hex(packet));
    expect(decodeSafePacket(hex(packet))?.toString('latin1')).toBe(data);
  });

  it('rejects any single corrupted data byte', () => {
    const packet = hex('02 0C 30 30 53 32 36 2E 35 39 22 E5 03');
    for (let i = 2; i < packet.length - 3; i++) {
      const bad = Buffer.from(packet);
      bad[i] ^= 0x01;
      expect(decodeSafePacket(bad)).toBeUndefined();
    }
  });
});
