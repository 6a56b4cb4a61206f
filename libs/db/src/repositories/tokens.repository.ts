import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { sha256Hex } from '../canonical-json';
import type { Db } from '../db.types';
import { apiTokens } from '../schema';

export type ApiToken = Omit<typeof apiTokens.$inferSelect, 'tokenSha256'>;

const TOKEN_PREFIX = 'glt_';
/** GRAFTLAB_BOOTSTRAP_TOKEN's minimum; anything shorter is refused without a lookup. */
const MIN_TOKEN_LENGTH = 16;

/** API tokens: 256 random bits, stored only as sha256 (a high-entropy secret needs no slow hash). */
export class TokensRepository {
  constructor(private readonly db: Db) {}

  /** Returns the plaintext token; this is the only time it exists outside the caller. */
  async create(input: { name: string; role: string }): Promise<{ id: string; token: string }> {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const id = randomUUID();
    await this.db
      .insert(apiTokens)
      .values({ id, name: input.name, role: input.role, tokenSha256: sha256Hex(token) });
    return { id, token };
  }

  /**
   * Stores a token chosen outside (GRAFTLAB_BOOTSTRAP_TOKEN) unless its hash is already known: idempotent across
   * restarts, and a bootstrap token an admin revoked stays revoked. Returns whether a row was created.
   */
  async ensure(input: { token: string; name: string; role: string }): Promise<boolean> {
    const rows = await this.db
      .insert(apiTokens)
      .values({ id: randomUUID(), name: input.name, role: input.role, tokenSha256: sha256Hex(input.token) })
      .onConflictDoNothing({ target: apiTokens.tokenSha256 })
      .returning({ id: apiTokens.id });
    return rows.length === 1;
  }

  /** The live (unrevoked) token with this plaintext; generated tokens start with glt_, a bootstrap token may not. */
  async authenticate(token: string): Promise<{ id: string; role: string; name: string } | undefined> {
    if (token.length < MIN_TOKEN_LENGTH || token.length > 512) return undefined;
    const [row] = await this.db
      .select({ id: apiTokens.id, role: apiTokens.role, name: apiTokens.name })
      .from(apiTokens)
      .where(and(eq(apiTokens.tokenSha256, sha256Hex(token)), isNull(apiTokens.revokedAt)));
    return row;
  }

  async revoke(id: string): Promise<boolean> {
    const rows = await this.db
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    return rows.length === 1;
  }

  async list(): Promise<ApiToken[]> {
    return this.db
      .select({
        id: apiTokens.id,
        name: apiTokens.name,
        role: apiTokens.role,
        createdAt: apiTokens.createdAt,
        revokedAt: apiTokens.revokedAt,
      })
      .from(apiTokens)
      .orderBy(apiTokens.createdAt);
  }
}
