/** Test timing around TOTP steps: a code computed for one step must still be in the verifier's window when it arrives. */
import { TOTP_STEP_SECONDS } from '../../domain/totp.ts';

/**
 * Waits, when the current 30 s step ends within `marginMs`, until the next step begins: a test that sends the previous
 * step's code (to keep the current one for a later sign-in) would otherwise see it fall out of the one-step window.
 */
export async function clearOfTotpStepEnd(marginMs = 3_000): Promise<void> {
  const stepMs = TOTP_STEP_SECONDS * 1000;
  const left = stepMs - (Date.now() % stepMs);
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
