/** One step of a test waiting for another: `fire()` resolves `fired` (Promise.withResolvers needs Node 22). */
export interface Signal {
  readonly fired: Promise<void>;
  readonly fire: () => void;
}

export function signal(): Signal {
  let fire: () => void = () => undefined;
  const fired = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { fired, fire };
}
