import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOpensslSpeed } from './seal-costs.js';

test("openssl speed's AES-128-GCM line is read in bytes a second; output without it is an error naming the command", () => {
  const out = "The 'numbers' are in 1000s of bytes per second processed.\ntype            176 bytes\nAES-128-GCM     499862.81k\n";
  assert.equal(parseOpensslSpeed(out), 499862810);
  assert.throws(() => parseOpensslSpeed('Error: unknown option -aead\n'), /openssl speed: no "AES-128-GCM <n>k" line/);
});
