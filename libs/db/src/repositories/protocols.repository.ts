import { and, desc, eq } from 'drizzle-orm';
import { canonicalJson, sha256Hex } from '../canonical-json';
import type { Db } from '../db.types';
import { protocols, protocolVersions } from '../schema';

export type ProtocolVersion = typeof protocolVersions.$inferSelect;

/** Protocol versions are immutable; saving identical content again returns the existing version. */
export class ProtocolsRepository {
  constructor(private readonly db: Db) {}

  /** Stores a new version (next number) unless the latest version already has this content. */
  async saveVersion(input: {
    protocolId: string;
    name?: string;
    document: Record<string, unknown>;
    createdBy?: string;
  }): Promise<ProtocolVersion> {
    const contentHash = sha256Hex(canonicalJson(input.document));
    return this.db.transaction(async (tx) => {
      await tx
        .insert(protocols)
        .values({ id: input.protocolId, name: input.name ?? input.protocolId })
        .onConflictDoNothing();
      const [latest] = await tx
        .select()
        .from(protocolVersions)
        .where(eq(protocolVersions.protocolId, input.protocolId))
        .orderBy(desc(protocolVersions.version))
        .limit(1)
        .for('update');
      if (latest?.contentHash === contentHash) return latest;
      const [row] = await tx
        .insert(protocolVersions)
        .values({
          protocolId: input.protocolId,
          version: (latest?.version ?? 0) + 1,
          document: input.document,
          contentHash,
          createdBy: input.createdBy,
        })
        .returning();
      return row;
    });
  }

  async approve(
    protocolId: string,
    version: number,
    approvedBy: string,
  ): Promise<ProtocolVersion | undefined> {
    const [row] = await this.db
      .update(protocolVersions)
      .set({ approvedBy, approvedAt: new Date() })
      .where(and(eq(protocolVersions.protocolId, protocolId), eq(protocolVersions.version, version)))
      .returning();
    return row;
  }

  async version(protocolId: string, version?: number): Promise<ProtocolVersion | undefined> {
    const where =
      version === undefined
        ? eq(protocolVersions.protocolId, protocolId)
        : and(eq(protocolVersions.protocolId, protocolId), eq(protocolVersions.version, version));
    const [row] = await this.db
      .select()
      .from(protocolVersions)
      .where(where)
      .orderBy(desc(protocolVersions.version))
      .limit(1);
    return row;
  }

  /** The latest version of every stored protocol, by id. */
  async latest(): Promise<ProtocolVersion[]> {
    const rows = await this.db.select().from(protocolVersions).orderBy(desc(protocolVersions.version));
    const latest = new Map<string, ProtocolVersion>();
    for (const r of rows) if (!latest.has(r.protocolId)) latest.set(r.protocolId, r);
    return [...latest.values()].sort((a, b) => (a.protocolId < b.protocolId ? -1 : 1));
  }
}
