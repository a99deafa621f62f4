/**
 * Frames recorded from the real `openclaw@2026.9.6` gateway (one JSON object a line:
 * `{t, dt, conn, dir, frame}`), copied into the repository so that a clone alone runs its tests.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const TRANSCRIPTS = path.resolve(__dirname, '../fixtures/transcripts');

export interface RecordedLine {
  t?: number;
  conn?: string;
  dir: 'in' | 'out' | 'meta' | 'note';
  frame?: Record<string, any>;
}

/** Every line of a `.jsonl` transcript. */
export function readTranscript(file: string): RecordedLine[] {
  return readFileSync(path.join(TRANSCRIPTS, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RecordedLine);
}

/** A recorded JSON answer (`.json`). */
export function readRecorded<T = any>(file: string): T {
  return JSON.parse(readFileSync(path.join(TRANSCRIPTS, file), 'utf8')) as T;
}
