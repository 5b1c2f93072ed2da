import assert from 'node:assert/strict';
import { test } from 'node:test';
import fs from 'node:fs';
import { allowedCpus, bindThisThread, parseCpuList } from './affinity.js';

test('a CPU list as the kernel prints it; anything else is no list', () => {
  assert.deepEqual(parseCpuList('0-3,6,8-9\n'), [0, 1, 2, 3, 6, 8, 9]);
  assert.deepEqual(parseCpuList('1'), [1]);
  for (const bad of ['', '3-1', '0-', 'a', '0,,1', '-1', '0-99999']) assert.deepEqual(parseCpuList(bad), [], bad);
});

/** Each thread's CPU list but the calling (main) one's, by thread id. */
function otherThreadsCpus(): Map<string, string> {
  const out = new Map<string, string>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    if (Number(tid) === process.pid) continue;
    const m = /^Cpus_allowed_list:\s*(\S+)$/m.exec(fs.readFileSync(`/proc/self/task/${tid}/status`, 'utf8'));
    if (m) out.set(tid, m[1]);
  }
  return out;
}

test('binding restricts the calling thread only, and gives its CPUs back; a CPU outside the allowed set is refused', (t) => {
  const before = allowedCpus();
  assert.ok(before.length >= 1, 'this Linux machine lists the CPUs a thread may use');
  t.after(() => bindThisThread(before));
  const others = otherThreadsCpus();
  assert.ok(others.size > 0, "Node's own threads (V8 platform, libuv) are there to compare with");
  const target = before.at(-1)!;
  assert.equal(bindThisThread([target]), true);
  assert.deepEqual(allowedCpus(), [target]);
  const othersNow = otherThreadsCpus();
  for (const [tid, cpus] of others) if (othersNow.has(tid)) assert.equal(othersNow.get(tid), cpus, `thread ${tid} kept its CPUs`);
  assert.equal(bindThisThread([4000]), false, 'CPU 4000 is not allowed');
  assert.deepEqual(allowedCpus(), [target], 'a refused binding changes nothing');
  assert.equal(bindThisThread([]), false);
  assert.equal(bindThisThread(before), true);
  assert.deepEqual(allowedCpus(), before);
});
