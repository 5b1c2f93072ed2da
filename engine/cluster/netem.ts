// Whether this kernel has netem (the qdisc that delays packets), found by looking rather than
// assumed: as root, netem added to the loopback of a throwaway namespace; otherwise the kernel's
// build config (/proc/config.gz) or a sch_netem module on disk. Where netem exists, an emulated
// cluster delays each link by the topology's latency as well as shaping its bandwidth.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface NetemSupport {
  /** undefined when nothing could tell (no root, no kernel config, no modules folder) */
  available: boolean | undefined;
  /** how it was found, for a person */
  how: string;
}

interface NetemLooks {
  /** root with ip and tc: add netem in a throwaway namespace; the error when it fails, undefined when it worked */
  tryInNamespace?(): string | undefined;
  /** the kernel's build config, when readable */
  kernelConfig(): string | undefined;
  /** sch_netem module files of the running kernel, when its modules folder exists (undefined when it does not) */
  moduleFiles(): string[] | undefined;
}

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });

/** This machine: the namespace attempt only as root with iproute2. */
export function systemLooks(): NetemLooks {
  const root = process.getuid?.() === 0;
  const hasTools = ['ip', 'tc'].every((t) => (process.env.PATH ?? '').split(':').some((d) => d && fs.existsSync(path.join(d, t))));
  return {
    ...(root && hasTools
      ? {
          tryInNamespace() {
            const ns = `hx-netem-probe-${process.pid}`;
            try {
              run('ip', ['netns', 'add', ns]);
              run('ip', ['netns', 'exec', ns, 'tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms']);
              return undefined;
            } catch (err) {
              return ((err as { stderr?: string }).stderr || (err as Error).message).trim().split('\n').pop();
            } finally {
              try {
                run('ip', ['netns', 'del', ns]);
              } catch {
                // never made: nothing to remove
              }
            }
          },
        }
      : {}),
    kernelConfig() {
      try {
        return gunzipSync(fs.readFileSync('/proc/config.gz')).toString('utf8');
      } catch {
        return undefined;
      }
    },
    moduleFiles() {
      const dir = path.join('/lib/modules', os.release());
      if (!fs.existsSync(dir)) return undefined;
      try {
        return run('find', [dir, '-name', 'sch_netem.ko*']).split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
  };
}

export function netemSupport(looks: NetemLooks = systemLooks()): NetemSupport {
  if (looks.tryInNamespace) {
    const failed = looks.tryInNamespace();
    if (failed === undefined) return { available: true, how: 'a netem qdisc was added in a throwaway namespace' };
    return { available: false, how: `adding a netem qdisc in a throwaway namespace failed: ${failed}` };
  }
  const config = looks.kernelConfig();
  const line = config && /^(?:CONFIG_NET_SCH_NETEM=[ym]|# CONFIG_NET_SCH_NETEM is not set)$/m.exec(config)?.[0];
  if (line) return { available: !line.startsWith('#'), how: `the kernel's config says ${line}` };
  const modules = looks.moduleFiles();
  if (modules?.length) return { available: true, how: `the kernel has the module ${modules[0]}` };
  if (modules) return { available: false, how: `no sch_netem module under /lib/modules/${os.release()} and no kernel config to say it is built in` };
  return { available: undefined, how: 'nothing here tells (not root, no /proc/config.gz, no modules folder)' };
}

/** The sentence `cluster --help` shows. */
export function netemSentence(s: NetemSupport): string {
  if (s.available) return `This kernel has netem (${s.how}): each link is delayed by its declared latency as well as shaped to its bandwidth.`;
  if (s.available === false) return `This kernel has no netem (${s.how}): links carry bandwidth only, and latency is left to the simulator (--mode simulate).`;
  return `Whether this kernel has netem is unknown (${s.how}): with it links are delayed by their declared latency too, without it they carry bandwidth only.`;
}

/**
 * The root qdisc of one direction of a link: tbf for the bandwidth alone, or, with netem, netem
 * with half the link's one-way latency (each packet crosses two such ports: its sender's and its
 * receiver's) and its rate.
 */
export function shapeArgs(dev: string, rateBitsPerS: number, opts: { netem: boolean; latencyS?: number; burstBytes: number }): string[] {
  const rate = `${Math.round(rateBitsPerS)}bit`;
  if (opts.netem && opts.latencyS !== undefined && opts.latencyS > 0) {
    const halfUs = Math.max(1, Math.round((opts.latencyS / 2) * 1e6));
    return ['qdisc', 'replace', 'dev', dev, 'root', 'netem', 'delay', `${halfUs}us`, 'rate', rate, 'limit', '10000'];
  }
  return ['qdisc', 'replace', 'dev', dev, 'root', 'tbf', 'rate', rate, 'burst', String(opts.burstBytes), 'latency', '50ms'];
}
