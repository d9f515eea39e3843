/**
 * What each source shows in the Sources view while jobs run: "syncing N%" for the source a job is
 * working on, "error" with the message when its last sync failed, idle otherwise.
 */
import type { SourceState } from '../../../shared/types';

const IDLE: SourceState = { kind: 'idle' };

export class JobStates {
  private readonly states = new Map<string, SourceState>();
  /** The source the last progress report named: it returns to idle when the job moves on. */
  private current: string | undefined;

  get(id: string): SourceState {
    return this.states.get(id) ?? IDLE;
  }

  /** A job reports progress; `sourceId` undefined means work not tied to one source. */
  progress(sourceId: string | undefined, percent: number, message: string): void {
    if (this.current && this.current !== sourceId && this.states.get(this.current)?.kind === 'syncing') this.states.delete(this.current);
    this.current = sourceId;
    if (sourceId) this.states.set(sourceId, { kind: 'syncing', percent, message });
  }

  /** A source's sync ended: idle, or the error it ended with (shown until its next sync). */
  finish(sourceId: string, error?: string): void {
    if (error) this.states.set(sourceId, { kind: 'error', message: error });
    else this.states.delete(sourceId);
    if (this.current === sourceId) this.current = undefined;
  }

  /** A job ended: nothing it was working on is still syncing. */
  endJob(): void {
    for (const [id, s] of this.states) if (s.kind === 'syncing') this.states.delete(id);
    this.current = undefined;
  }

  forget(id: string): void {
    this.states.delete(id);
    if (this.current === id) this.current = undefined;
  }
}
