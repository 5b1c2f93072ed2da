// Every scenario the runner knows, in the order `npm run scenario` runs them. One file a scenario.
import type { Scenario } from '../engine/runner/scenario.js';
import { cipherTransfer } from './cipher-transfer.js';
import { ctrSweep } from './ctr-sweep.js';
import { identity } from './identity.js';
import { intermediary } from './intermediary.js';
import { keydist } from './keydist.js';
import { keygen } from './keygen.js';
import { climate } from './climate.js';
import { pingpong } from './pingpong.js';
import { rc4plusEfficiency } from './rc4plus-efficiency.js';
import { speedBound } from './speed-bound.js';
import { whatifClimateModern } from './whatif-climate-modern.js';
import { whatifCtrScale } from './whatif-ctr-scale.js';
import { whatifSwarm } from './whatif-swarm.js';

export const scenarios: Scenario[] = [ctrSweep, pingpong, climate, rc4plusEfficiency, speedBound, identity, keydist, keygen, cipherTransfer, intermediary, whatifCtrScale, whatifClimateModern, whatifSwarm];
