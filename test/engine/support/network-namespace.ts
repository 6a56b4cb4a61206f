import { execFileSync } from 'node:child_process';

/** `ip …` on the host, or inside a namespace; throws with ip's own message. */
function ip(args: string[], ns?: string): string {
  const argv = ns ? ['netns', 'exec', ns, 'ip', ...args] : args;
  return execFileSync('ip', argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** One point-to-point link between the host and a namespace (a veth pair with a /30), which a test can cut. */
export interface NamespaceLink {
  readonly name: string;
  /** The host's address on the link: what processes in the namespace connect to. */
  readonly hostAddress: string;
  /** Pulls the cable: both ends down, so packets in flight are lost and connections hang or fail. */
  cut(): void;
  restore(): void;
}

/**
 * A Linux network namespace for one process of a test stack (a worker "on another host"), with its own loopback
 * and one veth link per service it talks to, so each service can be cut off on its own. Fails loudly when
 * namespaces are unavailable: the partition tests must not pass by skipping.
 */
export class NetworkNamespace {
  private readonly links: { host: string; inner: string }[] = [];
  private constructor(readonly name: string) {}

  static create(name: string): NetworkNamespace {
    if (name.length > 15) throw new Error(`namespace name ${name} too long`);
    try {
      ip(['netns', 'add', name]);
    } catch (e) {
      throw new Error(
        `cannot create network namespace ${name} (root and iproute2 are needed for the partition tests): ${(e as Error).message}`,
      );
    }
    const ns = new NetworkNamespace(name);
    ip(['link', 'set', 'lo', 'up'], name);
    return ns;
  }

  /** A veth pair: `<prefix>h` on the host with `10.a.b.1/30`, `<prefix>n` in the namespace with `10.a.b.2/30`. */
  addLink(linkName: string, ifPrefix: string, subnet: string): NamespaceLink {
    const host = `${ifPrefix}h`;
    const inner = `${ifPrefix}n`;
    ip(['link', 'add', host, 'type', 'veth', 'peer', 'name', inner]);
    this.links.push({ host, inner });
    ip(['link', 'set', inner, 'netns', this.name]);
    ip(['addr', 'add', `${subnet}.1/30`, 'dev', host]);
    ip(['link', 'set', host, 'up']);
    ip(['addr', 'add', `${subnet}.2/30`, 'dev', inner], this.name);
    ip(['link', 'set', inner, 'up'], this.name);
    const set = (state: 'up' | 'down') => {
      ip(['link', 'set', inner, state], this.name);
      ip(['link', 'set', host, state]);
    };
    return {
      name: linkName,
      hostAddress: `${subnet}.1`,
      cut: () => set('down'),
      restore: () => {
        set('up');
        // The connected route comes back with the link; the address may need a moment (DAD is IPv6 only).
      },
    };
  }

  /** The command line that runs a program inside the namespace. */
  wrap(command: string, args: readonly string[]): { command: string; args: string[] } {
    return { command: 'ip', args: ['netns', 'exec', this.name, command, ...args] };
  }

  /** Removes the namespace and every veth it made (also the host ends), ignoring what is already gone. */
  destroy(): void {
    for (const l of this.links) {
      try {
        ip(['link', 'del', l.host]);
      } catch {
        // gone with its peer
      }
    }
    try {
      ip(['netns', 'del', this.name]);
    } catch {
      // already gone
    }
  }
}

/** Namespaces and host veths left by an earlier run of this test that died before cleaning up (by prefix). */
export function removeLeftovers(prefix: string): void {
  for (const line of ip(['netns', 'list']).split('\n')) {
    const name = line.split(' ')[0];
    if (name.startsWith(prefix)) {
      try {
        ip(['netns', 'del', name]);
      } catch {
        // raced
      }
    }
  }
}
