import { test } from 'node:test';
import assert from 'node:assert/strict';
import { netemSentence, netemSupport, shapeArgs, systemLooks } from './netem.js';
import { latencyOf } from './netns.js';
import type { EmulatedHost } from './plan.js';

const none = { kernelConfig: () => undefined, moduleFiles: () => undefined };

test('netem is found by looking: the namespace attempt first, then the kernel config, then the module files', () => {
  assert.deepEqual(netemSupport({ ...none, tryInNamespace: () => undefined }), { available: true, how: 'a netem qdisc was added in a throwaway namespace' });
  assert.equal(netemSupport({ ...none, tryInNamespace: () => 'Error: Specified qdisc kind is unknown.', kernelConfig: () => 'CONFIG_NET_SCH_NETEM=m' }).available, false, 'a failed attempt is the answer');
  assert.deepEqual(netemSupport({ ...none, kernelConfig: () => 'X=y\n# CONFIG_NET_SCH_NETEM is not set\n' }), { available: false, how: "the kernel's config says # CONFIG_NET_SCH_NETEM is not set" });
  assert.equal(netemSupport({ ...none, kernelConfig: () => 'CONFIG_NET_SCH_NETEM=m\n' }).available, true);
  assert.equal(netemSupport({ ...none, moduleFiles: () => ['/lib/modules/6.1/kernel/net/sched/sch_netem.ko.xz'] }).available, true);
  assert.equal(netemSupport({ ...none, moduleFiles: () => [] }).available, false);
  const unknown = netemSupport(none);
  assert.equal(unknown.available, undefined);
  assert.match(netemSentence(unknown), /^Whether this kernel has netem is unknown/);
  assert.match(netemSentence({ available: false, how: 'x' }), /^This kernel has no netem \(x\): links carry bandwidth only/);
  assert.match(netemSentence({ available: true, how: 'x' }), /^This kernel has netem \(x\): each link is delayed by its declared latency/);
});

test('this machine gets a definite answer as root', { skip: process.getuid?.() === 0 ? false : 'not root' }, () => {
  const looks = systemLooks();
  if (!looks.tryInNamespace) return; // no iproute2
  assert.notEqual(netemSupport(looks).available, undefined);
});

test('a link is shaped with tbf, or with netem delaying it by half its latency a port where netem exists', () => {
  assert.deepEqual(shapeArgs('eth0', 100e6, { netem: false, latencyS: 2e-3, burstBytes: 14000 }), ['qdisc', 'replace', 'dev', 'eth0', 'root', 'tbf', 'rate', '100000000bit', 'burst', '14000', 'latency', '50ms']);
  assert.deepEqual(shapeArgs('eth0', 100e6, { netem: true, latencyS: 2e-3, burstBytes: 14000 }), ['qdisc', 'replace', 'dev', 'eth0', 'root', 'netem', 'delay', '1000us', 'rate', '100000000bit', 'limit', '10000']);
  assert.equal(shapeArgs('eth0', 100e6, { netem: true, burstBytes: 14000 })[5], 'tbf', 'no declared latency: bandwidth only');
});

test("the cluster's latency note says what was emulated", () => {
  const host = (latencyS?: number): EmulatedHost => ({ node: 'n', namespace: 'ns', address: 'a', nsInterface: 'eth0', bridgePort: 'p', rateBitsPerS: 100e6, linkName: 'lan', ...(latencyS ? { latencyS } : {}) });
  const yes = latencyOf({ available: true, how: 'probe' }, [host(1e-4), host(1e-4)]);
  assert.equal(yes.latencyEmulated, true);
  assert.match(yes.latencyNote, /delayed by their declared one-way latency with netem, half on each port: 0\.100 ms \(lan\)/);
  assert.equal(latencyOf({ available: true, how: 'probe' }, [host()]).latencyEmulated, false);
  const no = latencyOf({ available: false, how: 'no qdisc' }, [host(1e-4)]);
  assert.equal(no.latencyEmulated, false);
  assert.match(no.latencyNote, /bandwidth only: this kernel has no netem qdisc, so delay cannot be emulated \(no qdisc\).*left to the simulator/);
});
