/** The bounds of every network step: the run's timeout and the caller's abort signal. */
export interface StepLimits {
  /** The most one step may take, in milliseconds. */
  timeoutMs: number;
  /** Ends the step, and so the run, when aborted. */
  abortSignal?: AbortSignal;
}

/** The error a preflight rejects with when its abort signal fires. */
export function abortError(): Error {
  const error = new Error("The preflight was aborted.");
  error.name = "AbortError";
  return error;
}

/**
 * Runs one network step within the limits. The step receives a signal that fires on timeout or abort
 * and must then release what it opened (destroy its socket); the step's promise loses the race.
 *
 * @param limits - the timeout and the caller's abort signal.
 * @param what - what the step does, for the timeout's message ("connect to 127.0.0.1:443").
 * @param step - opens the resource and resolves when the step is done.
 * @returns the step's result; rejects with an `ETIMEDOUT` error on timeout, an `AbortError` on abort.
 */
export function withinLimits<T>(
  limits: StepLimits,
  what: string,
  step: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (limits.abortSignal?.aborted) return Promise.reject(abortError());
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      limits.abortSignal?.removeEventListener("abort", onAbort);
      action();
    };
    const stop = (error: Error): void =>
      settle(() => {
        controller.abort(error);
        reject(error);
      });
    const onAbort = (): void => stop(abortError());
    const timer = setTimeout(
      () =>
        stop(
          Object.assign(new Error(`${what} timed out after ${limits.timeoutMs} ms`), { code: "ETIMEDOUT" }),
        ),
      limits.timeoutMs,
    );
    limits.abortSignal?.addEventListener("abort", onAbort, { once: true });
    step(controller.signal).then(
      (value) => settle(() => resolve(value)),
      (error: unknown) => settle(() => reject(error)),
    );
  });
}

/**
 * Whether a value is the rejection of an aborted run.
 *
 * @param error - anything caught.
 */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === "AbortError";
}
