// Shared by the URL-grammar unit tests: the PGRST100 error a parse fails with.
import assert from 'node:assert/strict';
import { ApiError } from '../../src/errors/api-error.js';

/** Runs `run`, which must fail with 400 PGRST100; returns the error's message and details. */
export function errorOf(run: () => unknown): { message: string; details: unknown } {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof ApiError, `not an ApiError: ${String(e)}`);
    assert.equal(e.status, 400);
    assert.equal(e.code, 'PGRST100');
    return { message: e.message, details: e.details };
  }
  return assert.fail('expected a PGRST100 error');
}
