import { and, eq, gte, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db.types';
import { leases } from '../schema';

export type Lease = typeof leases.$inferSelect;

/** Expiry is computed by the database clock, so holders on machines with skewed clocks still agree. */
const expiresIn = (ttlMs: number) => sql`now() + make_interval(secs => ${ttlMs / 1000}::double precision)`;

/** Leases on shared instruments (SiLA 2 lock semantics): exclusive until released or expired. */
export class LeasesRepository {
  constructor(private readonly db: Db) {}

  /**
   * Takes the lease if it is free, expired, or already ours (which renews it), in one statement:
   * INSERT ... ON CONFLICT DO UPDATE ... WHERE expires_at < now() OR holder = me. Undefined if held by another.
   */
  async acquire(resource: string, holder: string, ttlMs: number, runId?: string): Promise<Lease | undefined> {
    const [row] = await this.db
      .insert(leases)
      .values({ resource, holder, runId: runId ?? null, acquiredAt: sql`now()`, expiresAt: expiresIn(ttlMs) })
      .onConflictDoUpdate({
        target: leases.resource,
        set: {
          holder: sql`excluded.holder`,
          runId: sql`excluded.run_id`,
          acquiredAt: sql`case when ${leases.holder} = excluded.holder then ${leases.acquiredAt} else now() end`,
          expiresAt: sql`excluded.expires_at`,
          // A take-over is a new grant: the proposed row's fresh generation (the default drew it); ours keeps its own.
          generation: sql`case when ${leases.holder} = excluded.holder then ${leases.generation} else excluded.generation end`,
        },
        setWhere: or(lt(leases.expiresAt, sql`now()`), eq(leases.holder, sql`excluded.holder`)),
      })
      .returning();
    return row;
  }

  /** Extends a lease we still hold; undefined if it expired and someone else took it (or it was released). */
  async renew(resource: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    const [row] = await this.db
      .update(leases)
      .set({ expiresAt: expiresIn(ttlMs) })
      .where(and(eq(leases.resource, resource), eq(leases.holder, holder), gte(leases.expiresAt, sql`now()`)))
      .returning();
    return row;
  }

  /**
   * The fencing gate's check and the lease's renewal in one statement: extends the lease only while it is still
   * ours under this generation and unexpired. Undefined when it was lost, taken over, or released.
   */
  async confirm(
    resource: string,
    holder: string,
    generation: number,
    ttlMs: number,
  ): Promise<Lease | undefined> {
    const [row] = await this.db
      .update(leases)
      .set({ expiresAt: expiresIn(ttlMs) })
      .where(
        and(
          eq(leases.resource, resource),
          eq(leases.holder, holder),
          eq(leases.generation, generation),
          gte(leases.expiresAt, sql`now()`),
        ),
      )
      .returning();
    return row;
  }

  /**
   * Gives a lease back, committed without waiting for the WAL flush (synchronous_commit off for this statement
   * alone): a release lost in a database server's crash leaves the lease to expire after its time-to-live, and a
   * later take-over by anyone is flushed, which flushes this release before it. A lease is never held twice.
   */
  async release(resource: string, holder: string): Promise<boolean> {
    const result = (await this.db.execute(sql`with relaxed as (
        select set_config('synchronous_commit', 'off', true) as synchronous_commit
      )
      delete from leases using relaxed
      where leases.resource = ${resource} and leases.holder = ${holder}
      returning leases.resource`)) as unknown as { rows: unknown[] };
    return result.rows.length === 1;
  }

  async get(resource: string): Promise<Lease | undefined> {
    const [row] = await this.db.select().from(leases).where(eq(leases.resource, resource));
    return row;
  }

  /** Leases past their expiry (their holder likely died); the scheduler reports or clears them. */
  async expired(): Promise<Lease[]> {
    return this.db
      .select()
      .from(leases)
      .where(lt(leases.expiresAt, sql`now()`));
  }

  async heldBy(holder: string): Promise<Lease[]> {
    return this.db.select().from(leases).where(eq(leases.holder, holder));
  }
}
