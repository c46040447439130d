import type { LabPhase } from '../../../electron/api/contract';
import { PHASE_LABEL, PHASE_TONE } from '../phases';

export function PhaseBadge({ phase }: { phase: LabPhase }) {
  return <span className={`badge badge-${PHASE_TONE[phase]}`}>{PHASE_LABEL[phase]}</span>;
}
