// What each scenario's cost model assumes, timed on the 2-core reference machine; each scenario's
// .meta.ts says what its figures mean and how it adds them up. They live here, apart from the
// scenarios, because a reference run is marked stale when its scenario's own files change
// (engine/report/stale.ts): recalibrating an estimate changes no figure.
//
// Recalibrated on full runs of the reference set (reports/reference/*/results.json, their start and
// end times), run by run, so that each full estimate lies within 25 % of what that run took:
// 2026-12-07, ctr-sweep quiet (5.9 min); intermediary 5.4 s, speed-bound 11.4 s and cipher-transfer
// 91 s quiet (load average 0.4-2.9); identity 0.6 s, keydist 2.5 s, keygen 23 s, rc4plus-efficiency
// 132 s and whatif-ctr-scale 39 s under a load average of 2.5-8.9, whatif-swarm 6.3 min (load 2.7-5);
// pingpong 46 s and climate 62 s quiet, once their links poll shared memory (they took 73 s and 2 min
// before). `npm run scenario -- --cost-table` prints the README's table from these.

/** `simulationS`: one --mode simulate pass of the scenario (SimGrid start and its model), where it has one */
export const SCENARIO_COSTS = {
  'ctr-sweep': {
    // opPerByteS: the quiet full reference run (--reps 2, --mode both, 5.9 min) sets it, the run's file
    // handling folded in; 1 / 330e6 had estimated that run at 14 min
    opFixedS: 0.004,
    opPerRankS: 0.0015,
    opPerByteS: 1 / 1.1e9,
    gatherPerByteS: 1 / 600e6,
    poolStartS: 0.25,
    mpirunJobS: 1.6,
    generatePerByteS: 1 / 500e6,
    emulatedSyncPerByteS: 2 / 12e6,
    emulatedClusterS: 3,
    simulationS: 8,
  },
  pingpong: {
    startS: 2.5,
    mpirunJobS: 3,
    mpirunConfigs: 5,
    oneWayFixedS: 30e-6,
    desBytesPerS: 90e6,
    otherBytesPerS: 600e6,
    desConfigs: 2,
    otherConfigs: 8,
    sealBytesPerS: { 'des-ecb': 90e6, other: 600e6 },
    simulationS: 4,
  },
  // mpirunJobS: the mpirun form's job start (climate --quick --launcher mpirun, 2026-12-07)
  climate: { startS: 6, perStepS: 0.037, mpirunJobS: 3, simulationS: 5 },
  // RC4+ (the WebAssembly kernel), RC4, AES-128-CTR, ChaCha20
  'rc4plus-efficiency': { startS: 2, secondsPerByte: 1 / 300e6 + 1 / 500e6 + 1 / 1.2e9 + 1 / 1e9 },
  'speed-bound': { startS: 1.5, encryptorBytesPerS: 550e6, simulationS: 1.5 },
  identity: { tableIIS: 0.8, emulateS: 2 },
  keydist: { startS: 0.5, loginS: 0.06, keyPairS: 0.1, roundTripS: 0.004 },
  keygen: { startS: 1, roundS: 0.0002, rsa2048S: 0.15, loginAndGetcipherS: 0.07 },
  // end-to-end rates of B's transfer over loopback (RC4+ on both sides, or plain)
  'cipher-transfer': { transferFixedS: 1, ivcsdSessionS: 0.5, rc4plusBytesPerS: 100e6, plainBytesPerS: 250e6, hashBytesPerS: 400e6, generateBytesPerS: 500e6, simulationS: 1.5 },
  intermediary: { startS: 1, runS: 1, emulateS: 1.5, simulationS: 1.5 },
  'whatif-ctr-scale': { startS: 1, simulationS: 0.6, perNodeS: 0.004 },
  'whatif-climate-modern': { simulationS: 5 },
  'whatif-swarm': { startS: 1, swarmS: 0.3, perPeerSquaredS: 1.7e-5 },
} as const;
