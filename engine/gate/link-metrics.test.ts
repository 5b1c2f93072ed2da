import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { allowedCpus } from '../runtime/affinity.js';
import { linkFamily } from './link-metrics.js';

/** Every thread's CPU list, by thread id. */
function threadCpus(): Map<number, string> {
  const out = new Map<number, string>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    const m = /^Cpus_allowed_list:\s*(\S+)$/m.exec(fs.readFileSync(`/proc/self/task/${tid}/status`, 'utf8'));
    if (m) out.set(Number(tid), m[1]);
  }
  return out;
}

test('the link family pings from one CPU and echoes on another, and gives the pinger its CPUs back', async () => {
  const cpus = allowedCpus();
  const said: string[] = [];
  const family = await linkFamily.open({ scratchDir: '/nonexistent', seed: 's', progress: { info: (l: string) => said.push(l) } as never }, linkFamily.metrics);
  try {
    if (cpus.length < 2) {
      assert.match(said.join('\n'), /could not be bound/);
      return;
    }
    assert.deepEqual(said, []);
    const during = threadCpus();
    assert.equal(during.get(process.pid), String(cpus[0]), 'the pinging thread on the first CPU');
    const pair = await family.pair(linkFamily.metrics.find((m) => m.name === 'link-tcp-10b')!);
    const boundToSecond = [...threadCpus()].filter(([, list]) => list === String(cpus[1])).length;
    assert.ok(boundToSecond >= 2, `the two echo peers' threads on the second CPU (${boundToSecond})`);
    assert.ok('both' in pair);
    const [ours, bare] = await pair.both();
    await pair.close?.();
    assert.ok(ours > 0 && bare > 0 && Number.isFinite(ours / bare), `${ours} / ${bare}`);
  } finally {
    await family.close();
  }
  assert.deepEqual(allowedCpus(), cpus, 'closed: the pinger has its CPUs back');
});
