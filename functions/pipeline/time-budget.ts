/**
 * The time a run has left, and what it does with it. A host that kills a run at its deadline (Lambda)
 * leaves the Athena query it was waiting for running and billing, and the run half-done; so a run with a
 * budget starts no query that could not end before it must finish, stops the one it waits for when that
 * moment comes, and fails with a TimeBudgetError, which the host's retry resumes from what was filed.
 */

/** How long the host lets the run go on (on Lambda, `context.getRemainingTimeInMillis()`). */
export interface Deadline {
  remainingMs(): number;
}

/** The run stopped because its time was running out; a retry resumes from the days already filed. */
export class TimeBudgetError extends Error {
  override readonly name = 'TimeBudgetError';
}

export interface TimeBudgetOptions {
  /**
   * Time kept after the last query for what follows it (render, deliver, archive, logs): no query runs
   * into it.
   * @default 60_000
   */
  readonly finishMs?: number;
  /**
   * How long a query is expected to take before any has ended; after that, the longest one so far.
   * @default 20_000
   */
  readonly minQueryMs?: number;
}

const seconds = (ms: number): string => `${Math.max(0, Math.round(ms / 1000))} s`;

/** The time rules of one run over its deadline. */
export class TimeBudget {
  private readonly finishMs: number;
  private readonly minQueryMs: number;
  private longestMs = 0;

  constructor(
    private readonly deadline: Deadline,
    options: TimeBudgetOptions = {},
  ) {
    this.finishMs = options.finishMs ?? 60_000;
    this.minQueryMs = options.minQueryMs ?? 20_000;
  }

  /** How long a running query may still run before it must be stopped (≤ 0: now). */
  runwayMs(): number {
    return this.deadline.remainingMs() - this.finishMs;
  }

  /** What the next query is expected to take: the longest so far, at least `minQueryMs`. */
  expectedQueryMs(): number {
    return Math.max(this.minQueryMs, this.longestMs);
  }

  /**
   * Throws a TimeBudgetError when a query expected to take `expectedQueryMs()` would run into the finish
   * time; otherwise returns the time left now, for `queryEnded`.
   */
  beforeQuery(): number {
    const runway = this.runwayMs();
    const expected = this.expectedQueryMs();
    if (runway < expected)
      throw new TimeBudgetError(
        `time budget: ${seconds(this.deadline.remainingMs())} left, ${seconds(this.finishMs)} kept to finish, and a query takes up to ${seconds(expected)}: no new Athena query started; the retry resumes from the days already filed`,
      );
    return runway;
  }

  /** Records how long a query took, from what `beforeQuery` returned when it started. */
  queryEnded(runwayAtStart: number): void {
    this.longestMs = Math.max(this.longestMs, runwayAtStart - this.runwayMs());
  }

  /** The error for a running query stopped because the finish time came. */
  stopped(queryId: string): TimeBudgetError {
    return new TimeBudgetError(
      `time budget: ${seconds(this.deadline.remainingMs())} left, ${seconds(this.finishMs)} kept to finish: Athena query ${queryId} stopped; the retry resumes from the days already filed`,
    );
  }
}
