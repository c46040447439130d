// The screens of a lab pack import, one state at a time, and the pure steps between them. The hook
// (hooks/usePackImport.ts) makes the calls; these say what the dialog shows after each answer or event.
import type { ErrorCode, PackImportResult, PackProgress, PackSummary } from '../../../electron/api/contract';

export type ImportState =
  | { kind: 'idle' }
  /** The drop or pick was not one lab pack: nothing was sent. */
  | { kind: 'refused'; problem: string }
  | { kind: 'uploading'; fileName: string; sent: number; total: number }
  | { kind: 'inspecting'; fileName: string }
  /** The first screen: what the pack holds and who signed it; the trust question when it applies. */
  | { kind: 'summary'; summary: PackSummary; trustAnswered: boolean }
  | { kind: 'importing'; summary: PackSummary; progress: PackProgress | null; cancelling: boolean }
  | { kind: 'done'; summary: PackSummary; result: PackImportResult }
  /** A refusal (PACK_INVALID, PACK_UNTRUSTED, …) as the core worded it; the summary when it got that far. */
  | { kind: 'failed'; fileName: string; summary: PackSummary | null; code: ErrorCode | null; message: string }
  | { kind: 'cancelled'; during: 'upload' | 'import' };

export const IMPORT_IDLE: ImportState = { kind: 'idle' };

/** An import progress event moves the bar of a running import; every other event is someone else's. */
export function importProgressed(state: ImportState, p: PackProgress): ImportState {
  if (state.kind !== 'importing' || p.job !== 'import') return state;
  return { ...state, progress: p };
}

/** The dialog is busy with a step the user can only cancel (Escape cancels it, it does not close). */
export const importRunning = (state: ImportState): boolean => state.kind === 'uploading' || state.kind === 'inspecting' || state.kind === 'importing';

/** Upload progress as a fraction (a 0-byte total counts as done). */
export const uploadFraction = (sent: number, total: number): number => (total > 0 ? Math.min(1, sent / total) : 1);
