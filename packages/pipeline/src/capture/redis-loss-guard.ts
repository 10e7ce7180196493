import { randomUUID } from 'node:crypto';
import type { Logger } from '@outbox/logger';
import { type CursorStore, type RedisMarks, redisWentBack } from '@outbox/queue';

/** What Redis did since the capture worker's last save: nothing, lost its data, or went back. */
export type RedisChange = 'lost' | 'rolled back' | null;

/**
 * Compares what Redis holds with what the worker last saw: another epoch (or none) means Redis
 * lost its data; the same epoch with another generation than the worker's last save, or a save
 * that found Redis older (`rolledBack`), means it came back with older data.
 */
export function redisChange(
  marks: Pick<RedisMarks, 'epoch' | 'generation'>,
  seen: { epoch: string; generation: number; rolledBack: boolean },
): RedisChange {
  if (marks.epoch !== seen.epoch) return 'lost';
  if (marks.generation !== seen.generation || seen.rolledBack) return 'rolled back';
  return null;
}

/** Each partition queue's job counter before an iteration's enqueues, and the jobs it added. */
export interface SaveEvidence {
  countersBefore?: readonly number[];
  jobsAdded?: readonly number[];
}

export interface RedisLossGuardOptions {
  cursorStore: Pick<CursorStore, 'load' | 'save' | 'marks' | 'setEpoch'>;
  /** Re-applies the queues' settings, which Redis forgets with its data. */
  applyQueueSettings: () => Promise<void>;
  /** The capture worker's logger. */
  log: Logger;
}

/**
 * Notices when Redis lost its data or came back with older data, and starts capture over when it
 * did (see "Redis data loss" and "Redis rollback" in docs/architecture.md). It keeps the epoch
 * every job carries and the generation of the cursors the worker saved last; every cursor save
 * goes through it, so each save is compared with the one before.
 */
export class RedisLossGuard {
  readonly #options: RedisLossGuardOptions;
  #epoch = '';
  /** The generation of the cursors this worker saved last (see SavedCursors). */
  #generation = 0;
  /** A save found Redis older than this worker's last save: recovered at the next iteration. */
  #rolledBack = false;

  constructor(options: RedisLossGuardOptions) {
    this.#options = options;
  }

  /** The epoch the jobs enqueued now carry; empty until start() adopted or made one. */
  get epoch(): string {
    return this.#epoch;
  }

  /** The cursors Redis holds for this database, whose generation saves go on from; null if none. */
  async load(partitions: number): Promise<number[] | null> {
    const saved = await this.#options.cursorStore.load(partitions);
    if (!saved) return null;
    this.#generation = saved.generation;
    return saved.cursors;
  }

  /** Takes over the epoch Redis holds, so queued jobs stay valid; false when it holds none. */
  async adoptEpoch(): Promise<boolean> {
    const { epoch } = await this.#options.cursorStore.marks();
    if (!epoch) return false;
    this.#epoch = epoch;
    return true;
  }

  /**
   * Before a capture iteration: what Redis did since the last save, and the job counters the
   * iteration's save is checked against (see redisWentBack).
   */
  async check(): Promise<{ change: RedisChange; jobCounters: number[] }> {
    const { epoch, generation, jobCounters } = await this.#options.cursorStore.marks();
    const seen = { epoch: this.#epoch, generation: this.#generation, rolledBack: this.#rolledBack };
    return { change: redisChange({ epoch, generation }, seen), jobCounters };
  }

  /**
   * Saves the cursors and remembers, for the next check, when what the save found shows Redis went
   * back since this worker's last save — or, given the evidence, since the iteration's enqueues.
   */
  async save(cursors: readonly number[], evidence: SaveEvidence = {}): Promise<void> {
    if (await this.#saveNext(cursors, evidence)) this.#rolledBack = true;
  }

  /** Saves cursors that start over (a first start, a restored database): nothing to compare with. */
  async saveFresh(cursors: readonly number[]): Promise<void> {
    await this.#saveNext(cursors, {});
  }

  /**
   * Redis lost its data while we ran (FLUSHALL, a restart without persistence), or came back with
   * older data (a snapshot, a lagging replica) that lacks jobs enqueued since: either way every row
   * still in the outbox is enqueued again from the oldest, in order, once the queue settings are
   * back, under a new epoch so publishers drop the jobs from before. Rows a publisher was sending
   * at that moment, and rows of the older data's jobs, may be sent twice. `startOver` forgets what
   * is in flight and returns the cursors to save, all 0.
   */
  async recover(what: 'lost' | 'rolled back', startOver: () => readonly number[]): Promise<void> {
    if (what === 'rolled back') {
      this.#options.log.error(
        'Redis came back with older data (its capture cursors went back): re-applying queue settings and enqueueing every row still in the outbox again',
      );
    } else if (this.#epoch) {
      this.#options.log.error(
        'Redis lost its data: re-applying queue settings and enqueueing every row still in the outbox again',
      );
    }
    await this.#options.applyQueueSettings();
    await this.#saveNext(startOver(), {});
    this.#rolledBack = false;
    this.#epoch = randomUUID();
    await this.#options.cursorStore.setEpoch(this.#epoch);
  }

  /** Saves the cursors as the next generation; true when what the save found shows Redis went back. */
  async #saveNext(cursors: readonly number[], evidence: SaveEvidence): Promise<boolean> {
    const found = await this.#options.cursorStore.save(cursors, this.#generation + 1);
    const wentBack = redisWentBack({ ...evidence, lastGeneration: this.#generation, found });
    this.#generation += 1;
    return wentBack;
  }
}
