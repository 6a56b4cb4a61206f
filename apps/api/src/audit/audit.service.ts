import { Inject, Injectable } from '@nestjs/common';
import {
  AuditRepository,
  type AuditEntry,
  type AuditVerification,
  type Db,
  type GraftlabDb,
} from '@graftlab/db';
import { DATABASE } from '@graftlab/runtime';
import type { Actor } from '../auth/roles.decorator';

export interface AuditEvent {
  readonly action: string; // e.g. run.submit, run.pause, run.abort, estop, protocol.approve, campaign.approve, override
  readonly target?: string;
  readonly reason?: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

/** The append-only, hash-chained record of who did what and why. */
@Injectable()
export class AuditService {
  private readonly repo: AuditRepository;

  constructor(@Inject(DATABASE) db: GraftlabDb) {
    this.repo = new AuditRepository(db);
  }

  async record(actor: Actor, event: AuditEvent): Promise<void> {
    await this.entryIn(this.repo, actor, event);
  }

  /** The entry written inside the caller's transaction: the change and its audit entry are kept, or neither. */
  async recordIn(tx: Db, actor: Actor, event: AuditEvent): Promise<void> {
    await this.entryIn(new AuditRepository(tx), actor, event);
  }

  private async entryIn(repo: AuditRepository, actor: Actor, event: AuditEvent): Promise<void> {
    await repo.append({
      actor: actor.name,
      role: actor.role,
      action: event.action,
      target: event.target,
      reason: event.reason,
      before: event.before,
      after: event.after,
    });
  }

  /** Entries after `afterSeq`, oldest first (keyset pagination: stable while entries are appended). */
  list(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    return this.repo.list(afterSeq, limit);
  }

  verify(): Promise<AuditVerification> {
    return this.repo.verifyAuditChain();
  }
}
