// The layers of docs/architecture.md, as dependency-cruiser rules (run by engine/layers.test.ts, so
// `npm test` fails on an import that climbs a layer or joins two folders of one layer).
// Top to bottom; a folder may import the folders of any layer below its own, and of its own layer
// only those listed in SAME_LAYER. Every layer is thus one-way, so no loop can close between folders.
const LAYERS = [
  { name: 'commands', folders: ['commands'] },
  // the gate runs as a scenario of the runner (its run folder, records and report) and times the benchmarks
  { name: 'performance gate', folders: ['engine/gate'] },
  { name: 'scenarios and runner', folders: ['scenarios', 'engine/runner'] },
  { name: 'tools that measure or model the engines', folders: ['engine/bench', 'engine/sim'] },
  { name: 'engines', folders: ['engine/ctr', 'engine/link', 'engine/ivcsd', 'engine/mpi', 'engine/cluster'] },
  { name: 'inputs and flags', folders: ['datasets', 'engine/flags'] },
  { name: 'report, topology, crypto provider', folders: ['engine/report', 'engine/topology', 'engine/crypto'] },
  { name: 'runtime', folders: ['engine/runtime'] },
  { name: 'measure', folders: ['engine/measure'] },
];

// Imports between two folders of one layer, each one-way (the reverse is forbidden).
const SAME_LAYER = {
  scenarios: ['engine/runner'], // a scenario is run by the runner and uses its context and calibration
  'engine/mpi': ['engine/ctr', 'engine/link'], // MPI jobs run the CTR cryptosystem and the links
  'engine/ivcsd': ['engine/cluster'], // the emulated IVCSD runs on the cluster's network namespaces
};

// Known violations still in the code, each with why it is there, as file patterns left out of the
// rule of their folder (and out of the test's loop count). None today: add one only with its reason.
const KNOWN = {};

const escape = (folder) => folder.replace(/[.]/g, '\\.');
const anyOf = (folders) => `^(${folders.map(escape).join('|')})/`;

const layerRules = LAYERS.flatMap((layer, rank) =>
  layer.folders.map((folder) => {
    const above = LAYERS.slice(0, rank).flatMap((l) => l.folders);
    const beside = layer.folders.filter((f) => f !== folder && !(SAME_LAYER[folder] ?? []).includes(f));
    const forbidden = [...above, ...beside];
    return forbidden.length === 0
      ? undefined
      : {
          name: `layer:${folder}`,
          comment: `${folder} (layer "${layer.name}") may import only the layers below it and, of its own layer, ${SAME_LAYER[folder] ? SAME_LAYER[folder].join(', ') : 'nothing'}: see docs/architecture.md`,
          severity: 'error',
          from: { path: `^${escape(folder)}/`, pathNot: KNOWN[folder] ?? [] },
          to: { path: anyOf(forbidden) },
        };
  }),
).filter(Boolean);

// Every project folder must sit in a layer, so a new folder cannot slip past the rules.
const placed = LAYERS.flatMap((l) => l.folders);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'unplaced-folder',
      comment: 'every folder of the project belongs to a layer of docs/architecture.md (add it to LAYERS in .dependency-cruiser.cjs)',
      severity: 'error',
      from: { path: '^(commands|scenarios|datasets|cluster-config|engine)/' },
      to: { path: '^(commands|scenarios|datasets|cluster-config|engine)/', pathNot: [anyOf(placed), '^engine/[^/]+\\.(mjs|ts)$'] },
    },
    {
      name: 'no-circular',
      comment: 'no module imports itself through others at run time (a type-only import of the module that imports it is erased by tsc)',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    includeOnly: '^(commands|scenarios|datasets|cluster-config|engine)/',
    exclude: { path: ['\\.test\\.ts$', '/fixtures/'] },
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.mjs', '.js', '.json'] },
  },
};
