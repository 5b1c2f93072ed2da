// Every scenario the runner knows, in the order `npm run scenario` runs them. One file a scenario.
import type { Scenario } from '../engine/runner/scenario.js';

export const scenarios: Scenario[] = [];
