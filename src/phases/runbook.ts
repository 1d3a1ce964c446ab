// The runbook (../shared/runbook/tasks.md) numbers its steps T001–T179; each phase lists the
// steps it automates, so `todo-infra phases -o json` can map the tool back to the manual.

/** Runbook task ids for inclusive ranges of step numbers: tasks([36, 38], [43, 55]). */
export function tasks(...ranges: Array<[first: number, last: number]>): string[] {
  return ranges.flatMap(([first, last]) =>
    Array.from({ length: last - first + 1 }, (_, i) => `T${String(first + i).padStart(3, '0')}`),
  );
}
