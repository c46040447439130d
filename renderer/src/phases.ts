import type { LabPhase } from '../../electron/api/contract';

/** The phase of a lab in words, as the launcher and the lab view show it. */
export const PHASE_LABEL: Record<LabPhase, string> = {
  'image-missing': 'Image missing',
  building: 'Building…',
  stopped: 'Stopped',
  starting: 'Starting…',
  ready: 'Ready',
  stopping: 'Stopping…',
  error: 'Error',
};

export type PhaseTone = 'neutral' | 'busy' | 'good' | 'bad' | 'warn';

export const PHASE_TONE: Record<LabPhase, PhaseTone> = {
  'image-missing': 'warn',
  building: 'busy',
  stopped: 'neutral',
  starting: 'busy',
  ready: 'good',
  stopping: 'busy',
  error: 'bad',
};
