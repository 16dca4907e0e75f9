// SHA3-256 (FIPS 202) in pure TypeScript. Needed only for the v3 onion address checksum
// (Tor rend-spec-v3 section 6: CHECKSUM = SHA3-256(".onion checksum" | PUBKEY | VERSION)[:2]);
// libsodium has no SHA3. Lanes are held as (low, high) 32-bit halves: no BigInt in the hot loop.

const ROUND_CONSTANTS = [
  '0000000000000001', '0000000000008082', '800000000000808a', '8000000080008000',
  '000000000000808b', '0000000080000001', '8000000080008081', '8000000000008009',
  '000000000000008a', '0000000000000088', '0000000080008009', '000000008000000a',
  '000000008000808b', '800000000000008b', '8000000000008089', '8000000000008003',
  '8000000000008002', '8000000000000080', '000000000000800a', '800000008000000a',
  '8000000080008081', '8000000000008080', '0000000080000001', '8000000080008008',
];
const RC_HIGH = Uint32Array.from(ROUND_CONSTANTS, (h) => parseInt(h.slice(0, 8), 16));
const RC_LOW = Uint32Array.from(ROUND_CONSTANTS, (h) => parseInt(h.slice(8), 16));

// Rotation offsets indexed by x + 5y.
const ROTATIONS = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];

function keccakF1600(s: Uint32Array): void {
  const c = new Uint32Array(10);
  const b = new Uint32Array(50);
  for (let round = 0; round < 24; round++) {
    // theta
    for (let x = 0; x < 5; x++) {
      c[2 * x] = s[2 * x]! ^ s[2 * x + 10]! ^ s[2 * x + 20]! ^ s[2 * x + 30]! ^ s[2 * x + 40]!;
      c[2 * x + 1] = s[2 * x + 1]! ^ s[2 * x + 11]! ^ s[2 * x + 21]! ^ s[2 * x + 31]! ^ s[2 * x + 41]!;
    }
    for (let x = 0; x < 5; x++) {
      const nx = (x + 1) % 5;
      const px = (x + 4) % 5;
      const lo = c[2 * nx]!;
      const hi = c[2 * nx + 1]!;
      const dLo = c[2 * px]! ^ ((lo << 1) | (hi >>> 31));
      const dHi = c[2 * px + 1]! ^ ((hi << 1) | (lo >>> 31));
      for (let y = 0; y < 25; y += 5) {
        s[2 * (x + y)] = s[2 * (x + y)]! ^ dLo;
        s[2 * (x + y) + 1] = s[2 * (x + y) + 1]! ^ dHi;
      }
    }
    // rho and pi: B[y, 2x + 3y] = rot(A[x, y], r[x, y])
    for (let x = 0; x < 5; x++) {
      for (let y = 0; y < 5; y++) {
        const i = x + 5 * y;
        const lo = s[2 * i]!;
        const hi = s[2 * i + 1]!;
        const r = ROTATIONS[i]!;
        let nLo: number;
        let nHi: number;
        if (r === 0) {
          nLo = lo;
          nHi = hi;
        } else if (r < 32) {
          nLo = (lo << r) | (hi >>> (32 - r));
          nHi = (hi << r) | (lo >>> (32 - r));
        } else if (r === 32) {
          nLo = hi;
          nHi = lo;
        } else {
          const m = r - 32;
          nLo = (hi << m) | (lo >>> (32 - m));
          nHi = (lo << m) | (hi >>> (32 - m));
        }
        const j = y + 5 * ((2 * x + 3 * y) % 5);
        b[2 * j] = nLo;
        b[2 * j + 1] = nHi;
      }
    }
    // chi
    for (let y = 0; y < 25; y += 5) {
      for (let x = 0; x < 5; x++) {
        const i = 2 * (x + y);
        const i1 = 2 * (((x + 1) % 5) + y);
        const i2 = 2 * (((x + 2) % 5) + y);
        s[i] = b[i]! ^ (~b[i1]! & b[i2]!);
        s[i + 1] = b[i + 1]! ^ (~b[i1 + 1]! & b[i2 + 1]!);
      }
    }
    // iota
    s[0] = s[0]! ^ RC_LOW[round]!;
    s[1] = s[1]! ^ RC_HIGH[round]!;
  }
}

function xorBlock(state: Uint32Array, block: Uint8Array): void {
  for (let i = 0; i < block.length; i += 4) {
    const word = block[i]! | (block[i + 1]! << 8) | (block[i + 2]! << 16) | (block[i + 3]! << 24);
    state[i >> 2] = state[i >> 2]! ^ word;
  }
}

const RATE = 136; // bytes, for a 256-bit capacity of 512 bits

export function sha3_256(message: Uint8Array): Uint8Array {
  const state = new Uint32Array(50);
  let offset = 0;
  for (; offset + RATE <= message.length; offset += RATE) {
    xorBlock(state, message.subarray(offset, offset + RATE));
    keccakF1600(state);
  }
  const last = new Uint8Array(RATE);
  last.set(message.subarray(offset));
  last[message.length - offset] = last[message.length - offset]! ^ 0x06; // SHA-3 domain bits + first pad bit
  last[RATE - 1] = last[RATE - 1]! ^ 0x80; // final pad bit
  xorBlock(state, last);
  keccakF1600(state);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = (state[i >> 2]! >>> (8 * (i & 3))) & 0xff;
  return out;
}
