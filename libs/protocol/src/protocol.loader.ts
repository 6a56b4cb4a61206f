import { readFileSync, statSync } from 'node:fs';
import { checkShape, DocumentError, parseSafeJson, zodProblems, type Problem } from '@graftlab/validation';
import { checkProtocol } from './protocol.checks';
import { protocolSchema, type Protocol } from './protocol.schema';

/** Limits of an accepted protocol document. */
export const PROTOCOL_LIMITS = {
  maxBytes: 1024 * 1024,
  /** JSON nesting; parallel blocks nest two levels per block. */
  maxDepth: 32,
  /** Steps in the whole document, parallel children included. */
  maxSteps: 500,
  /** Parallel blocks inside parallel blocks. */
  maxParallelDepth: 4,
} as const;

/** Counts steps and parallel depth on the raw document before zod recurses into it. */
function checkStepBudget(doc: unknown): Problem[] {
  if (doc === null || typeof doc !== 'object' || !Array.isArray((doc as { steps?: unknown }).steps))
    return [];
  let count = 0;
  const stack: { list: unknown[]; pointer: string; depth: number }[] = [
    { list: (doc as { steps: unknown[] }).steps, pointer: '/steps', depth: 0 },
  ];
  while (stack.length) {
    const { list, pointer, depth } = stack.pop()!;
    count += list.length;
    if (count > PROTOCOL_LIMITS.maxSteps) {
      return [{ pointer, message: `more than ${PROTOCOL_LIMITS.maxSteps} steps in the document` }];
    }
    list.forEach((item, i) => {
      const inner = (item as { type?: unknown; steps?: unknown } | null)?.steps;
      if ((item as { type?: unknown } | null)?.type !== 'parallel' || !Array.isArray(inner)) return;
      if (depth + 1 > PROTOCOL_LIMITS.maxParallelDepth) {
        throw new DocumentError([
          {
            pointer: `${pointer}/${i}`,
            message: `parallel blocks nested more than ${PROTOCOL_LIMITS.maxParallelDepth} deep`,
          },
        ]);
      }
      stack.push({ list: inner, pointer: `${pointer}/${i}/steps`, depth: depth + 1 });
    });
  }
  return [];
}

/** Zod messages reworded where the default would not help a scientist. */
function friendly(problems: Problem[]): Problem[] {
  return problems.map((p) => {
    if (/^Invalid input: expected \w+, received undefined/.test(p.message)) {
      return { pointer: p.pointer, message: 'required property is missing' };
    }
    if (p.message.startsWith('Invalid discriminator value') && p.pointer.endsWith('/type')) {
      return {
        pointer: p.pointer,
        message: p.message.replace('Invalid discriminator value', 'unknown step type'),
      };
    }
    return p;
  });
}

/**
 * Validates a protocol given as JSON text or as an already parsed value (an HTTP body).
 * Throws DocumentError carrying every problem found, each with its JSON pointer; returns
 * the protocol with defaults applied only when there are none.
 */
export function parseProtocol(input: string | unknown): Protocol {
  let doc: unknown;
  if (typeof input === 'string') {
    doc = parseSafeJson(input, { maxBytes: PROTOCOL_LIMITS.maxBytes, maxDepth: PROTOCOL_LIMITS.maxDepth });
  } else {
    doc = input;
    checkShape(doc, PROTOCOL_LIMITS.maxDepth);
    let size: number;
    try {
      size = Buffer.byteLength(JSON.stringify(doc) ?? '', 'utf8');
    } catch (e) {
      throw new DocumentError([{ pointer: '', message: `not a JSON value: ${(e as Error).message}` }]);
    }
    if (size > PROTOCOL_LIMITS.maxBytes) {
      throw new DocumentError([
        { pointer: '', message: `document is ${size} bytes, over the limit of ${PROTOCOL_LIMITS.maxBytes}` },
      ]);
    }
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new DocumentError([{ pointer: '', message: 'expected a protocol object' }]);
  }
  const budget = checkStepBudget(doc);
  if (budget.length) throw new DocumentError(budget);
  const parsed = protocolSchema.safeParse(doc);
  if (!parsed.success) throw new DocumentError(friendly(zodProblems(parsed.error, doc)));
  const problems = checkProtocol(parsed.data);
  if (problems.length) throw new DocumentError(problems);
  return parsed.data;
}

/** Reads and validates a protocol file; every failure, unreadable files included, is a DocumentError. */
export function loadProtocolFile(path: string): Protocol {
  let text: string;
  try {
    if (statSync(path).size > PROTOCOL_LIMITS.maxBytes) {
      throw new DocumentError([
        { pointer: '', message: `file is over the limit of ${PROTOCOL_LIMITS.maxBytes} bytes` },
      ]);
    }
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof DocumentError) throw e;
    throw new DocumentError([
      {
        pointer: '',
        message: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      },
    ]);
  }
  return parseProtocol(text);
}
