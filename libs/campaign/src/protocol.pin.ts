import { NotFoundError } from '@graftlab/db';
import { checkSafety, compileProtocol, parseProtocol, type Protocol } from '@graftlab/protocol';
import { DocumentError } from '@graftlab/validation';
import type { LoopContext } from './campaign.context';
import type { CampaignDefinition, CampaignSettings } from './campaign.schema';

/**
 * The protocol version a new campaign is pinned to: an inline protocol is validated, safety-checked and saved
 * as a new version (problems point under /protocol); otherwise the stored version it names must exist.
 */
export async function pinProtocol(
  ctx: LoopContext,
  def: CampaignDefinition,
  createdBy?: string,
  /** Runs before an inline protocol is saved: a throw leaves nothing written. */
  check: (protocol: Protocol) => Promise<void> = () => Promise.resolve(),
): Promise<{ protocol: Protocol; version: number }> {
  if (def.protocol !== undefined) {
    let protocol: Protocol;
    try {
      protocol = parseProtocol(def.protocol);
    } catch (e) {
      if (e instanceof DocumentError)
        throw new DocumentError(
          e.problems.map((p) => ({ pointer: `/protocol${p.pointer}`, message: p.message })),
        );
      throw e;
    }
    const plan = compileProtocol(protocol, {}, ctx.deps.inventory, { now: ctx.now() });
    const safety = checkSafety(plan, ctx.deps.inventory);
    if (safety.length)
      throw new DocumentError(safety.map((p) => ({ pointer: `/protocol${p.pointer}`, message: p.message })));
    await check(protocol);
    const saved = await ctx.protocols.saveVersion({
      protocolId: protocol.id,
      name: protocol.title,
      document: def.protocol,
      createdBy,
    });
    return { protocol, version: saved.version };
  }
  const stored = await ctx.protocols.version(def.protocolId!, def.protocolVersion);
  if (!stored)
    throw new DocumentError([
      {
        pointer: def.protocolVersion === undefined ? '/protocolId' : '/protocolVersion',
        message: `protocol ${def.protocolId}${def.protocolVersion ? ` v${def.protocolVersion}` : ''} is not stored (POST /api/protocols first, or give "protocol")`,
      },
    ]);
  const protocol = parseProtocol(stored.document);
  await check(protocol);
  return { protocol, version: stored.version };
}

/** The protocol version the campaign is pinned to. */
export async function pinnedProtocol(ctx: LoopContext, settings: CampaignSettings): Promise<Protocol> {
  const stored = await ctx.protocols.version(settings.protocolId, settings.protocolVersion);
  if (!stored) throw new NotFoundError('protocol', `${settings.protocolId} v${settings.protocolVersion}`);
  return parseProtocol(stored.document);
}

/** Runs are submitted by protocol id (its latest version): a newer version would change the experiment. */
export async function versionDrift(ctx: LoopContext, settings: CampaignSettings): Promise<string | null> {
  const latest = await ctx.protocols.version(settings.protocolId);
  return latest && latest.version !== settings.protocolVersion
    ? `protocol ${settings.protocolId} is at v${latest.version} but the campaign is pinned to v${settings.protocolVersion}: nothing is queued`
    : null;
}
