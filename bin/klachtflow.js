#!/usr/bin/env node
// The `klachtflow` command. The project is TypeScript run directly through tsx, so the command,
// the local runtime and the tests execute the same source files (no build step to drift).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
