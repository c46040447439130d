// A lab's phase, derived from what Docker reports (the truth) and from the operation ClassLab is running
// on it. Pure: no Docker here, only the rules.
import type { LabPhase } from '../../api/contract';
import { formatMiB } from '../../api/units';

export type ContainerState = 'absent' | 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface Observation {
  imagePresent: boolean;
  lab: ContainerState;
  gate: ContainerState;
  exitCode: number | null;
  oomKilled: boolean;
  memoryMiB: number;
}

export type Operation = 'building' | 'starting' | 'stopping' | null;

export interface Derived {
  phase: LabPhase;
  reason: string | null;
}

/**
 * The phase when no operation is running. A running lab and gate whose notebook has not answered yet
 * is 'starting': the caller then waits for the notebook (adoption after a restart of ClassLab), and
 * never starts anything itself: only a user's Open starts containers.
 */
export function derivePhase(o: Observation, notebookAnswered: boolean): Derived {
  if (o.lab === 'running' || o.lab === 'restarting') {
    if (o.gate !== 'running') return { phase: 'error', reason: 'The lab is running but cannot be reached (its gate is stopped). Open it again to reconnect.' };
    return notebookAnswered ? { phase: 'ready', reason: null } : { phase: 'starting', reason: null };
  }
  if (o.lab === 'paused') return { phase: 'error', reason: 'The lab is paused in Docker. Stop it and open it again.' };
  if (o.lab === 'dead') return { phase: 'error', reason: 'Docker reports the lab container as dead. Reset the lab (your workspace is kept).' };
  if (o.lab === 'absent' && !o.imagePresent) return { phase: 'image-missing', reason: 'The lab image is not on this computer yet.' };
  if (o.lab === 'exited') {
    if (o.oomKilled)
      return {
        phase: 'error',
        reason: `The lab ran out of memory (${formatMiB(o.memoryMiB)}) and was stopped. Open it again; save often and use less data at once.`,
      };
    if (o.exitCode !== null && !isCleanStop(o.exitCode)) {
      return {
        phase: 'error',
        reason: `The lab stopped unexpectedly (exit code ${o.exitCode}). Open it again; if it keeps failing, reset the lab (your workspace is kept).`,
      };
    }
  }
  if (!o.imagePresent) return { phase: 'image-missing', reason: 'The lab image is not on this computer yet.' };
  return { phase: 'stopped', reason: null };
}

/** 0, or killed by the SIGTERM/SIGKILL that a stop sends (128+15, 128+9). */
function isCleanStop(code: number): boolean {
  return code === 0 || code === 143 || code === 137;
}
