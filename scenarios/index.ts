// Every scenario the runner knows, in the order `npm run scenario` runs them: the papers'
// experiments, then the what-ifs (SimGrid only). A scenario is two files: `<name>.meta.ts` declares
// it (name, paper, flags, plan, cost, whether it has a SimGrid model) and `<name>.ts` runs it; the
// catalogue holds the declarations and imports a body only when its scenario runs, so --help,
// --list and --dry-run never load an engine, the simulator or a plotting library.
import type { ScenarioEntry } from '../engine/runner/scenario.js';
import { cipherTransferInfo } from './cipher-transfer.meta.js';
import { climateInfo } from './climate.meta.js';
import { ctrSweepInfo } from './ctr-sweep.meta.js';
import { identityInfo } from './identity.meta.js';
import { intermediaryInfo } from './intermediary.meta.js';
import { keydistInfo } from './keydist.meta.js';
import { keygenInfo } from './keygen.meta.js';
import { pingpongInfo } from './pingpong.meta.js';
import { rc4plusEfficiencyInfo } from './rc4plus-efficiency.meta.js';
import { speedBoundInfo } from './speed-bound.meta.js';
import { whatifClimateModernInfo } from './whatif-climate-modern.meta.js';
import { whatifCtrScaleInfo } from './whatif-ctr-scale.meta.js';
import { whatifSwarmInfo } from './whatif-swarm.meta.js';

export const scenarios: ScenarioEntry[] = [
  { ...ctrSweepInfo, load: async () => (await import('./ctr-sweep.js')).ctrSweep },
  { ...pingpongInfo, load: async () => (await import('./pingpong.js')).pingpong },
  { ...climateInfo, load: async () => (await import('./climate.js')).climate },
  { ...rc4plusEfficiencyInfo, load: async () => (await import('./rc4plus-efficiency.js')).rc4plusEfficiency },
  { ...speedBoundInfo, load: async () => (await import('./speed-bound.js')).speedBound },
  { ...identityInfo, load: async () => (await import('./identity.js')).identity },
  { ...keydistInfo, load: async () => (await import('./keydist.js')).keydist },
  { ...keygenInfo, load: async () => (await import('./keygen.js')).keygen },
  { ...cipherTransferInfo, load: async () => (await import('./cipher-transfer.js')).cipherTransfer },
  { ...intermediaryInfo, load: async () => (await import('./intermediary.js')).intermediary },
  { ...whatifCtrScaleInfo, load: async () => (await import('./whatif-ctr-scale.js')).whatifCtrScale },
  { ...whatifClimateModernInfo, load: async () => (await import('./whatif-climate-modern.js')).whatifClimateModern },
  { ...whatifSwarmInfo, load: async () => (await import('./whatif-swarm.js')).whatifSwarm },
];
