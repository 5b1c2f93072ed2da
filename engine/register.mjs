// Lets `node --import ./engine/register.mjs file.ts` run TypeScript unbuilt under ESM (ts-node in
// transpile-only mode; `npm run typecheck` is where types are checked).
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

register('ts-node/esm', pathToFileURL('./'));
