import { sql } from 'drizzle-orm';
import { check, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Where a number comes from: made and measured in this lab, the alliance's historical records, or the literature. */
export const DATA_ORIGINS = ['measured-here', 'alliance-history', 'literature'] as const;
export type DataOrigin = (typeof DATA_ORIGINS)[number];

/**
 * A citable source of data (a paper, a lab notebook series, a partner lab's report). Content-addressed like recipes:
 * the same DOI, citation, lab and date recorded twice is one source.
 */
export const dataSources = pgTable(
  'data_sources',
  {
    id: text('id').primaryKey(),
    contentHash: text('content_hash').notNull().unique(),
    origin: text('origin').$type<DataOrigin>().notNull(),
    /** Bare DOI, lower case (10.xxxx/...), without the https://doi.org/ prefix. */
    doi: text('doi'),
    citation: text('citation'),
    lab: text('lab'),
    /** When the source reported the data: YYYY, YYYY-MM or YYYY-MM-DD. */
    reportedOn: text('reported_on'),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('data_sources_origin_ck', sql`${t.origin} in ('measured-here', 'alliance-history', 'literature')`),
  ],
);
