// The one rule of which user actions a lab's phase allows. The core refuses the others with BUSY and
// every button of the UI (launcher card, lab toolbar, the not-running screen) is shown or enabled by it,
// so the two can never disagree. Pure; part of the contract both sides import.
import type { LabPhase } from './contract';

export const LAB_ACTIONS = ['prepare', 'open', 'stop', 'reset'] as const;
export type LabAction = (typeof LAB_ACTIONS)[number];
export type AllowedActions = Readonly<Record<LabAction, boolean>>;

const RULE: Readonly<Record<LabPhase, AllowedActions>> = {
  // Reset stays possible without an image: it removes a container left behind by a deleted image.
  'image-missing': { prepare: true, open: false, stop: false, reset: true },
  building: { prepare: false, open: false, stop: false, reset: false },
  stopped: { prepare: true, open: true, stop: false, reset: true },
  // Open while starting or ready joins the same start; stop and reset cancel a start that hangs.
  starting: { prepare: false, open: true, stop: true, reset: true },
  ready: { prepare: false, open: true, stop: true, reset: true },
  stopping: { prepare: false, open: false, stop: false, reset: false },
  // An error may leave a container running (a paused lab, a stopped gate): stop and reset clear it.
  error: { prepare: true, open: true, stop: true, reset: true },
};

/** Which user actions make sense in a phase. */
export function allowedActions(phase: LabPhase): AllowedActions {
  return RULE[phase];
}

/** True when the lab's containers run (or are coming up): its notebook is, or will be, there. */
export function isRunning(phase: LabPhase): boolean {
  return phase === 'starting' || phase === 'ready';
}
