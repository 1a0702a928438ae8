/** Synthesises the shared CDK templates into their cache (test/support/global-setup.ts runs it). */
import { synthesised } from './synth.js';

synthesised();
