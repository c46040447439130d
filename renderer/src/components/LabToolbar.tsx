import type { LabView } from '../../../electron/api/contract';
import type { LabAction } from '../hooks/useLabActions';
import { useFocusOnMount } from '../hooks/useFocusOnMount';
import { allowedActions } from '../../../electron/api/phase-rules';
import { PhaseBadge } from './PhaseBadge';
import { ResetButton } from './ResetButton';

interface Props {
  lab: LabView;
  busy: LabAction | null;
  onBack(): void;
  onStop(): void;
  onReset(): void;
  /** The Files panel beside the notebook: shown or not, and its element's id. */
  files: { open: boolean; controls: string; onToggle(): void };
  /** The Course and git panel: shown or not, its element's id, and its button's name ("Course" when the lab has one). */
  git: { open: boolean; controls: string; label: string; onToggle(): void };
  /** The quick-run panel: shown or not, and its element's id. */
  quickRun: { open: boolean; controls: string; onToggle(): void };
  /** The exercises panel: shown or not, and its element's id. */
  exercises?: { open: boolean; controls: string; onToggle(): void };
}

export function LabToolbar({ lab, busy, onBack, onStop, onReset, files, git, quickRun, exercises }: Props) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  return (
    <header className="toolbar">
      <button type="button" className="button button-ghost" onClick={onBack} aria-label="Back to labs">
        <span aria-hidden="true">←</span> Labs
      </button>
      <h1 className="toolbar-title" ref={heading} tabIndex={-1}>
        {lab.title}
      </h1>
      <div aria-live="polite">
        <PhaseBadge phase={lab.phase} />
      </div>
      <div className="toolbar-spacer" />
      <PanelToggle panel={files} label="Files" title={files.open ? 'Hide the files panel' : 'Show the files panel'} />
      <PanelToggle
        panel={git}
        label={git.label}
        title={git.open ? 'Hide the course and git panel' : 'Show the course and git panel: sync the course, snapshots, push a folder'}
      />
      <PanelToggle
        panel={quickRun}
        label="Run"
        title={quickRun.open ? 'Hide the quick-run panel' : 'Show the quick-run panel: run a program with input in a fresh sandbox'}
      />
      {exercises && (
        <PanelToggle
          panel={exercises}
          label="Exercises"
          title={exercises.open ? 'Hide the exercises panel' : 'Show the exercises panel: write a program and check it against the tests'}
        />
      )}
      {allowedActions(lab.phase).stop && (
        <button type="button" className="button" disabled={busy === 'stop'} onClick={onStop}>
          Stop
        </button>
      )}
      {allowedActions(lab.phase).reset && <ResetButton lab={lab} disabled={busy !== null} onReset={onReset} />}
    </header>
  );
}

/**
 * A toolbar button that shows and hides a side panel (pressed while it is shown). It names the panel it
 * controls only while that panel is there: an aria-controls pointing at nothing is invalid ARIA.
 */
function PanelToggle({ panel, label, title }: { panel: { open: boolean; controls: string; onToggle(): void }; label: string; title: string }) {
  return (
    <button
      type="button"
      className={`button${panel.open ? ' button-pressed' : ''}`}
      aria-pressed={panel.open}
      aria-controls={panel.open ? panel.controls : undefined}
      title={title}
      onClick={panel.onToggle}
    >
      {label}
    </button>
  );
}
