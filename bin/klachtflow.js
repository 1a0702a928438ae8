#!/usr/bin/env node
// The `klachtflow` command. The project is TypeScript run directly through tsx, so the command,
// the local runtime and the tests execute the same source files (no build step to drift).
import { register } from 'tsx/esm/api';

// The AWS SDK warns that it will want Node 22 from 2027; locally we run on the Node 20 the
// project supports (Lambda runs Node 22 in AWS), so the warning only adds noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
