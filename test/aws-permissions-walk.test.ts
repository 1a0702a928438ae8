/**
 * The walk whose AWS calls test/aws-permissions.test.ts checks against the synthesised roles
 * (test/support/permission-walk.ts), run beside the other files; the check runs after them all.
 */
import { expect, it } from 'vitest';
import { permissionWalk } from './support/permission-walk.js';
import { walked } from './support/permission-walk-done.js';

it('walks complaints through every function whose calls the IAM simulation checks', async () => {
  await permissionWalk();
  expect(walked(process.env.KLACHTFLOW_AWS_CALLS ?? ''), 'vitest.config.ts sets KLACHTFLOW_AWS_CALLS').toBe(true);
}, 600_000);
