import { eq } from 'drizzle-orm';
import { DocumentError, type Problem } from '@graftlab/validation';
import { canonicalJson, sha256Hex } from '../canonical-json';
import type { Db } from '../db.types';
import { DATA_ORIGINS, dataSources, type DataOrigin } from '../schema';

export type DataSource = typeof dataSources.$inferSelect;

export interface DataSourceInput {
  origin: DataOrigin;
  doi?: string | null;
  citation?: string | null;
  lab?: string | null;
  /** YYYY, YYYY-MM or YYYY-MM-DD. */
  reportedOn?: string | null;
  note?: string | null;
}

const DOI = /^10\.\d{4,9}\/\S+$/;
const PARTIAL_DATE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;

/** A DOI as stored: bare, lower case (DOIs are case-insensitive), without a resolver prefix. */
export function normalizeDoi(text: string): string {
  return text
    .trim()
    .replace(/^(https?:\/\/)?(dx\.)?doi\.org\//i, '')
    .replace(/^doi:\s*/i, '')
    .toLowerCase();
}

/** Problems with a source, pointers relative to `at`. */
export function checkDataSource(input: DataSourceInput, at = ''): Problem[] {
  const problems: Problem[] = [];
  if (!DATA_ORIGINS.includes(input.origin))
    problems.push({
      pointer: `${at}/origin`,
      message: `"${input.origin}" is not one of ${DATA_ORIGINS.join(', ')}`,
    });
  if (input.doi && !DOI.test(normalizeDoi(input.doi)))
    problems.push({ pointer: `${at}/doi`, message: `"${input.doi}" is not a DOI (10.xxxx/...)` });
  if (input.reportedOn && !PARTIAL_DATE.test(input.reportedOn.trim()))
    problems.push({
      pointer: `${at}/reportedOn`,
      message: `"${input.reportedOn}" is not YYYY, YYYY-MM or YYYY-MM-DD`,
    });
  return problems;
}

/** Citable sources of data, content-addressed: the same DOI, citation, lab, date and note is one source. */
export class DataSourcesRepository {
  constructor(private readonly db: Db) {}

  async upsert(input: DataSourceInput, at = ''): Promise<DataSource> {
    const problems = checkDataSource(input, at);
    if (problems.length) throw new DocumentError(problems);
    const content = {
      origin: input.origin,
      doi: input.doi ? normalizeDoi(input.doi) : null,
      citation: input.citation?.trim() || null,
      lab: input.lab?.trim() || null,
      reportedOn: input.reportedOn?.trim() || null,
      note: input.note?.trim() || null,
    };
    const hash = sha256Hex(canonicalJson(content));
    await this.db
      .insert(dataSources)
      .values({ id: 'src-' + hash.slice(0, 16), contentHash: hash, ...content })
      .onConflictDoNothing();
    const [row] = await this.db.select().from(dataSources).where(eq(dataSources.contentHash, hash));
    return row;
  }

  async get(id: string): Promise<DataSource | undefined> {
    const [row] = await this.db.select().from(dataSources).where(eq(dataSources.id, id));
    return row;
  }
}
