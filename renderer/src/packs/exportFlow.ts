// The screens of a lab pack export and the pure steps between them (the hook, hooks/usePackExport.ts,
// makes the calls).
import type { LabView, PackExport, PackProgress } from '../../../electron/api/contract';

export type ExportState =
  | { kind: 'choosing' }
  | { kind: 'running'; progress: PackProgress | null; cancelling: boolean }
  | { kind: 'done'; result: PackExport }
  | { kind: 'failed'; message: string }
  | { kind: 'cancelled' };

export const EXPORT_CHOOSING: ExportState = { kind: 'choosing' };

export function exportProgressed(state: ExportState, p: PackProgress): ExportState {
  if (state.kind !== 'running' || p.job !== 'export') return state;
  return { ...state, progress: p };
}

/** Why a lab cannot go into a pack now (its image is not on this computer yet), or null. */
export function exportProblem(lab: LabView): string | null {
  if (lab.phase === 'image-missing') return `its image is not on this computer yet: ${lab.source === 'pull' ? 'pull' : 'build'} it first`;
  if (lab.phase === 'building') return 'its image is being made';
  return null;
}

/** The labs ticked when the dialog opens: every lab that can be exported. */
export const defaultSelection = (labs: readonly LabView[]): string[] => labs.filter((l) => exportProblem(l) === null).map((l) => l.id);
