// One preflight finding. `check` prints these as a table or JSON; the preflight phase fails when
// any required check fails.
export interface CheckOutcome {
  id: string;
  title: string;
  ok: boolean;
  /** What was found: a version, a path, a number. */
  detail: string;
  /** How to fix it, when not ok. */
  fix?: string;
  /** Optional checks warn instead of failing the run. */
  optional?: boolean;
}
