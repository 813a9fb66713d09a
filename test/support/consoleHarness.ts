/** Shared pieces of the console tests. */

/** A cheap scrypt cost: the tests check the logic, not the work factor (production uses N = 2^15). */
export const TEST_SCRYPT = { n: 2 ** 10, r: 8, p: 1 };
