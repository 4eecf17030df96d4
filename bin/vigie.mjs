#!/usr/bin/env node
// The `vigie` command. Sources are TypeScript, run through tsx's loader so a clone needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../functions/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
