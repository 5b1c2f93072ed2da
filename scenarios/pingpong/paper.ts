// Paper 001's ping-pong figures (IBM SP2): the 10-byte latencies, Fig. 5's crossover, the TLS and placement ratios.

/** Paper 001, Sect. 7.1 (IBM SP2, 10-byte message): one-way times in microseconds. */
export const PAPER_10_BYTE_US: { configuration: string; paperName: string; latencyUs: number }[] = [
  { configuration: 'shm', paperName: 'MPL unsecure', latencyUs: 96 },
  { configuration: 'shm+des-ecb', paperName: 'MPL secure (DES/ECB)', latencyUs: 154 },
  { configuration: 'tcp', paperName: 'TCP unsecure', latencyUs: 552 },
  { configuration: 'tcp+des-ecb', paperName: 'TCP secure (DES/ECB)', latencyUs: 609 },
  { configuration: 'tls', paperName: 'TCP/SSL secure (SSLRef, DES/CBC)', latencyUs: 780 },
];
/** Fig. 5's crossover: the size from which secure MPL (DES) is slower than unsecured TCP, interpolated in log(size) */
export const CROSSOVER = { slower: 'shm+des-ecb', reference: 'tcp' } as const;
export const PAPER = { crossoverBytes: 200, tlsOverNexusDes: 780 / 609, placementGainPct: { low: 5, high: 7 } };

/** The paper's figure as it gives it: a range, for the whole remote service request with DES/ECB. */
export const PAPER_PLACEMENT = `${PAPER.placementGainPct.low}-${PAPER.placementGainPct.high} % (whole request, DES/ECB)`;
