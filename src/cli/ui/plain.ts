// Append-only progress lines for CI logs, pipes and -v: one line per phase start, skip, finish
// and failure, plus waits with their deadline. Goes to stderr; stdout stays for results.
import type { EngineEvent } from '../../engine/events.js';

export function plainRenderer(
  write: (line: string) => void = (l) => process.stderr.write(l + '\n'),
) {
  return (event: EngineEvent): void => {
    switch (event.type) {
      case 'phase-start':
        write(`▶ ${event.phase}: ${event.title}`);
        break;
      case 'phase-skip':
        write(`↷ ${event.phase} skipped (${skipText(event.reason)}): ${event.detail}`);
        break;
      case 'phase-finish':
        write(`✓ ${event.phase} done in ${seconds(event.durationMs)}: ${event.detail}`);
        break;
      case 'phase-fail':
        write(`✗ ${event.phase} failed after ${seconds(event.durationMs)}: ${event.error.message}`);
        break;
      case 'phase-blocked':
        write(
          `· ${event.phase} not started ` +
            `(needs ${event.blockedBy.join(', ') || 'an earlier phase'})`,
        );
        break;
      case 'wait':
        write(`  ${event.phase}: waiting for ${event.what} (deadline ${clock(event.deadline)})`);
        break;
      default:
        break;
    }
  };
}

export function skipText(reason: string): string {
  return reason === 'unchanged'
    ? 'unchanged since the last run'
    : reason === 'target'
      ? 'not needed for this target'
      : reason;
}

export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}

export function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString('en-GB', { hour12: false });
}
