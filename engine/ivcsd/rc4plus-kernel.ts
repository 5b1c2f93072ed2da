// The RC4+ hot loops (KSA+ and PRGA+, /work/shared/spec/rc4plus.md) as a WebAssembly kernel,
// assembled here at load time from the folded instructions below: no toolchain, no binary in git.
// WebAssembly keeps i, j, a, b in registers and its loads need no bounds checks (every address is
// masked to 8 bits or below the window), which JavaScript on a Uint8Array cannot promise: about
// 1.3-1.8x the JavaScript oracle (rc4plus-oracle.testkit.ts), which the tests compare it with.

/** Linear memory: S at address 0 (so S[x] is load(x)), K and V, then the window data passes through. */
const K_AT = 256;
const V_AT = 512;
const WINDOW_AT = 1024;
const PAGE_BYTES = 65536;
const PAGES = 4;
/** bytes of data one prga call handles; longer data goes through in windows (i and j carry over) */
export const WINDOW_BYTES = PAGES * PAGE_BYTES - WINDOW_AT;

type Code = number[];

function uleb(n: number): Code {
  const out: Code = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** signed LEB128 of a non-negative 32-bit value (all the constants here are) */
function sleb(n: number): Code {
  const out: Code = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if (n === 0 && (byte & 0x40) === 0) return [...out, byte];
    out.push(byte | 0x80);
  }
}

// Folded instructions: each helper emits its operands, then its opcode (the binary's stack order).
const get = (local: number): Code => [0x20, local];
const set = (local: number, value: Code): Code => [...value, 0x21, local];
const int = (n: number): Code => [0x41, ...sleb(n)];
const binary = (opcode: number) => (x: Code, y: Code): Code => [...x, ...y, opcode];
const add = binary(0x6a);
const sub = binary(0x6b);
const and = binary(0x71);
const xor = binary(0x73);
const shl = binary(0x74);
const shr = binary(0x76);
const ltU = binary(0x49);
const geS = binary(0x4e);
const byte = (x: Code): Code => and(x, int(0xff));
const load = (address: Code, offset = 0): Code => [...address, 0x2d, 0, ...uleb(offset)];
const store = (address: Code, value: Code): Code => [...address, ...value, 0x3a, 0, 0];
const loadWord = (address: Code): Code => [...address, 0x28, 2, 0];
const storeWord = (address: Code, value: Code): Code => [...address, ...value, 0x36, 2, 0];
const globalGet = (g: number): Code => [0x23, g];
const globalSet = (g: number, value: Code): Code => [...value, 0x24, g];
/** do body while cond (a loop that runs at least once) */
const doWhile = (body: Code, cond: Code): Code => [0x03, 0x40, ...body, ...cond, 0x0d, 0, 0x0b];
/** a value: then if cond is not zero, otherwise otherwise */
const choose = (cond: Code, then: Code, otherwise: Code): Code => [...cond, 0x04, 0x7f, ...then, 0x05, ...otherwise, 0x0b];
const swap = (i: number, j: number, t: number): Code => [...set(t, load(get(i))), ...store(get(i), load(get(j))), ...store(get(j), get(t))];

// globals: PRGA+'s i and j, carried from one window to the next
const GI = 0;
const GJ = 1;

/** ksa(): S from K (at K_AT) and V (at V_AT), the three layers of KSA+; resets PRGA+'s i and j. */
function ksaBody(): Code {
  const [i, j, y, t] = [0, 1, 2, 3];
  const basic = (index: Code) => set(j, byte(add(add(get(j), load(index)), load(index, K_AT))));
  const withIv = set(j, byte(xor(add(get(j), load(get(i))), add(load(get(i), K_AT), load(get(i), V_AT)))));
  return [
    ...doWhile([...store(get(i), get(i)), ...set(i, add(get(i), int(1)))], ltU(get(i), int(256))),
    ...set(i, int(0)),
    ...doWhile([...basic(get(i)), ...swap(i, j, t), ...set(i, add(get(i), int(1)))], ltU(get(i), int(256))),
    ...set(i, int(127)),
    ...doWhile([...withIv, ...swap(i, j, t), ...set(i, sub(get(i), int(1)))], geS(get(i), int(0))),
    ...set(i, int(128)),
    ...doWhile([...withIv, ...swap(i, j, t), ...set(i, add(get(i), int(1)))], ltU(get(i), int(256))),
    // zig-zag: i = y/2 for even y, N - (y+1)/2 for odd y
    ...doWhile(
      [
        ...set(i, choose(and(get(y), int(1)), sub(int(256), shr(add(get(y), int(1)), int(1))), shr(get(y), int(1)))),
        ...basic(get(i)),
        ...swap(i, j, t),
        ...set(y, add(get(y), int(1))),
      ],
      ltU(get(y), int(256)),
    ),
    ...globalSet(GI, int(0)),
    ...globalSet(GJ, int(0)),
  ];
}

/**
 * prga(n): XORs n (>= 1) keystream bytes into the window, four bytes a turn as one 32-bit word
 * (little-endian: the first byte lowest). It runs on to the next multiple of 4: the bytes past n
 * are scratch, and only the last window of a message can end off a multiple of 4 (WINDOW_BYTES is
 * one), so the i and j carried to the next window are always right.
 */
function prgaBody(): Code {
  const [n, i, j, a, b, c, p, end, word] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  /** one PRGA+ step: the keystream byte it leaves on the stack */
  const step: Code = [
    ...set(i, byte(add(get(i), int(1)))),
    ...set(a, load(get(i))),
    ...set(j, byte(add(get(j), get(a)))),
    ...set(b, load(get(j))),
    ...store(get(i), get(b)),
    ...store(get(j), get(a)),
    ...set(c, add(load(byte(xor(shl(get(i), int(5)), shr(get(j), int(3))))), load(byte(xor(shl(get(j), int(5)), shr(get(i), int(3))))))),
    ...byte(xor(add(load(byte(add(get(a), get(b)))), load(xor(byte(get(c)), int(0xaa)))), load(byte(add(get(j), get(b)))))),
  ];
  return [
    ...set(i, globalGet(GI)),
    ...set(j, globalGet(GJ)),
    ...set(p, int(WINDOW_AT)),
    ...set(end, add(int(WINDOW_AT), get(n))),
    ...doWhile(
      [
        ...set(word, step),
        ...set(word, xor(get(word), shl(step, int(8)))),
        ...set(word, xor(get(word), shl(step, int(16)))),
        ...set(word, xor(get(word), shl(step, int(24)))),
        ...storeWord(get(p), xor(loadWord(get(p)), get(word))),
        ...set(p, add(get(p), int(4))),
      ],
      ltU(get(p), get(end)),
    ),
    ...globalSet(GI, get(i)),
    ...globalSet(GJ, get(j)),
  ];
}

const section = (id: number, body: Code): Code => [id, ...uleb(body.length), ...body];
const vector = (items: Code[]): Code => [...uleb(items.length), ...items.flat()];
const name = (s: string): Code => [...uleb(s.length), ...Buffer.from(s, 'latin1')];
const I32 = 0x7f;
/** a function body: `locals` i32 locals past its parameters */
const body = (locals: number, code: Code): Code => {
  const content = [...vector(locals === 0 ? [] : [[...uleb(locals), I32]]), ...code, 0x0b];
  return [...uleb(content.length), ...content];
};

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const types = vector([
    [0x60, ...vector([]), ...vector([])], // () -> ()
    [0x60, ...vector([[I32]]), ...vector([])], // (i32) -> ()
  ]);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, types),
    ...section(3, vector([[0], [1]])),
    ...section(5, vector([[0x01, PAGES, PAGES]])),
    ...section(6, vector([[I32, 0x01, ...int(0), 0x0b], [I32, 0x01, ...int(0), 0x0b]])),
    ...section(7, vector([[...name('memory'), 0x02, 0], [...name('ksa'), 0x00, 0], [...name('prga'), 0x00, 1]])),
    ...section(10, vector([body(4, ksaBody()), body(8, prgaBody())])),
  ]);
}

interface KernelExports {
  memory: WebAssembly.Memory;
  ksa(): void;
  prga(n: number): void;
}

const kernel = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes())).exports as unknown as KernelExports;
const memory = new Uint8Array(kernel.memory.buffer);

/**
 * XORs the RC4+ keystream of (key, iv) into `data` in place. The caller has checked key and IV
 * (1..256 key bytes, at most 128 IV bytes).
 */
export function rc4plusXorKernel(key: Uint8Array, iv: Uint8Array, data: Uint8Array): void {
  const keyLength = key.length;
  for (let i = 0; i < 256; i++) memory[K_AT + i] = key[i % keyLength];
  memory.fill(0, V_AT, V_AT + 256);
  const l = iv.length;
  // IV laid out backwards just below the middle and forwards just above it.
  for (let i = 128 - l; i <= 127; i++) memory[V_AT + i] = iv[127 - i];
  for (let i = 128; i <= 127 + l; i++) memory[V_AT + i] = iv[i - 128];
  kernel.ksa();
  for (let at = 0; at < data.length; at += WINDOW_BYTES) {
    const piece = data.subarray(at, at + WINDOW_BYTES);
    memory.set(piece, WINDOW_AT);
    kernel.prga(piece.length);
    piece.set(memory.subarray(WINDOW_AT, WINDOW_AT + piece.length));
  }
}
