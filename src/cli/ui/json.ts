// --output json: one JSON object per line on stdout (NDJSON), nothing else there. Each event
// carries a timestamp so a consumer can measure phases without its own clock.
import { redactValue } from '../../core/redact.js';
import type { EngineEvent } from '../../engine/events.js';

export function writeJsonLine(value: Record<string, unknown>): void {
  process.stdout.write(
    JSON.stringify(redactValue({ time: new Date().toISOString(), ...value })) + '\n',
  );
}

export function jsonRenderer() {
  return (event: EngineEvent): void => {
    writeJsonLine(event as unknown as Record<string, unknown>);
  };
}
