// The cap on running labs (settings.maxRunningLabs): opening one more than the cap is refused with
// TOO_MANY_LABS, naming the labs that run, longest idle first. Nothing is ever stopped here: the UI offers
// to stop one (the cap dialog), and only the user's own Stop stops a lab. The one exception is a warm
// lab (labs/warm-labs.ts), which is nobody's yet: it is stopped to make room before an Open is refused.
//
// Which labs run is Docker's word (lab containers of this namespace that run, whoever started them: this
// ClassLab, the CLI, another window) plus the starts this ClassLab admitted that have not finished yet.
// Admissions are taken one at a time, so two opens at once cannot both take the last place.
import type { LabIdle } from '../../api/contract';
import { LabError } from '../../api/errors';
import { idleTimeWords } from '../../api/idle-words';

export interface RunningLab {
  labId: string;
  title: string;
  /** Seconds of nothing so far, null when not known yet; what keeps it busy. */
  idleSeconds: number | null;
  busy: string[];
}

/** Longest idle first; labs whose idle time is not known yet last, then by title. */
export function byLongestIdle<T extends { idleSeconds: number | null; title: string }>(labs: T[]): T[] {
  return [...labs].sort((a, b) => (b.idleSeconds ?? -1) - (a.idleSeconds ?? -1) || a.title.localeCompare(b.title));
}

/** Null when `opening` may start; otherwise the refusal's message. `running` may include `opening` itself (it is not counted). */
export function capRefusal(opening: { labId: string; title: string }, running: RunningLab[], max: number): string | null {
  const others = running.filter((l) => l.labId !== opening.labId);
  if (others.length < max) return null;
  const list = byLongestIdle(others)
    .map((l) => `${l.title} (${l.labId}, ${idleTimeWords(l)})`)
    .join('; ');
  const runs = others.length === 1 ? '1 runs now' : `${others.length} run now`;
  return `This computer runs at most ${max} ${max === 1 ? 'lab' : 'labs'} at once, and ${runs}: ${list}. Stop one of them first, then open ${opening.title} again.`;
}

export interface CapGateDeps {
  max: () => number;
  /** The labs whose lab container runs now (Docker's word). */
  runningIds: () => Promise<string[]>;
  /** Idle times of the labs the idle watcher knows. */
  idle: () => LabIdle[];
  title: (labId: string) => string;
  /**
   * Stops one warm lab other than this one (labs/warm-labs.ts); true if it did. Warm labs count against
   * the cap but hold nothing of anyone's, so they go before an Open is refused.
   */
  evictWarm?: (except: string) => Promise<boolean>;
}

export class CapGate {
  private readonly admitted = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: CapGateDeps) {}

  /**
   * Admits a start of `labId` or throws TOO_MANY_LABS. The returned function ends the admission (call it
   * when the start has ended, either way: a lab that then runs is counted by Docker).
   */
  admit(labId: string, { evictWarm = true }: { evictWarm?: boolean } = {}): Promise<() => void> {
    const turn = this.queue.then(async () => {
      for (;;) {
        const refusal = await this.refusal(labId);
        if (!refusal) break;
        // A warm lab is stopped to make room (one at a time, then the count is read again).
        if (evictWarm && this.deps.evictWarm && (await this.deps.evictWarm(labId))) continue;
        throw new LabError('TOO_MANY_LABS', refusal);
      }
      this.admitted.add(labId);
      let done = false;
      return () => {
        if (done) return;
        done = true;
        this.admitted.delete(labId);
      };
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async refusal(labId: string): Promise<string | null> {
    const ids = new Set([...(await this.deps.runningIds()), ...this.admitted]);
    const idle = new Map(this.deps.idle().map((l) => [l.labId, l]));
    const running: RunningLab[] = [...ids].map((id) => {
      const known = idle.get(id);
      return { labId: id, title: known?.title ?? this.deps.title(id), idleSeconds: known ? known.idleSeconds : null, busy: known?.busy ?? [] };
    });
    return capRefusal({ labId, title: this.deps.title(labId) }, running, this.deps.max());
  }
}
