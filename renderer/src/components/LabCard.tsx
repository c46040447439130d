import type { ReactNode } from 'react';
import type { LabView } from '../../../electron/api/contract';
import { allowedActions, type LabAction } from '../../../electron/api/phase-rules';
import { ImageProgressView } from './ImageProgressView';
import { LogDisclosure } from './LogDisclosure';
import { PhaseBadge } from './PhaseBadge';
import { ResetButton } from './ResetButton';
import { Resources } from './Resources';
import { LimitNotice } from './LimitNotice';
import { LockIcon, useAdminButton } from './admin/AdminIndicator';

interface Props {
  lab: LabView;
  busy: LabAction | null;
  onPrepare(): void;
  onOpen(): void;
  onStop(): void;
  onReset(): void;
  /** More actions for the card's footer (the profile editor's, in the admin area). */
  extra?: ReactNode;
}

/** One lab in the launcher: what it is, its phase in words and why, and the actions that phase allows. */
export function LabCard({ lab, busy, onPrepare, onOpen, onStop, onReset, extra }: Props) {
  const titleId = `lab-${lab.id}-title`;
  const building = lab.phase === 'building' || busy === 'prepare';
  const buildError = lab.progress?.error ?? null;
  const allowed = allowedActions(lab.phase);
  // Building an image is offered where it is missing; a rebuild of one that is there is the CLI's.
  const canPrepare = allowed.prepare && lab.phase === 'image-missing';
  const hasActions = canPrepare || allowed.open || allowed.stop || allowed.reset || Boolean(extra);
  const adminButton = useAdminButton();
  return (
    <article className={`card card-${lab.phase}`} aria-labelledby={titleId}>
      <header className="card-header">
        <h2 id={titleId} className="card-title">
          {lab.title}
        </h2>
        <div aria-live="polite">
          <PhaseBadge phase={lab.phase} />
        </div>
      </header>
      <p className="card-description">{lab.description}</p>
      {lab.reason && !building && <p className={lab.phase === 'error' ? 'reason reason-error' : 'reason'}>{lab.reason}</p>}
      {lab.warm && lab.phase === 'stopped' && (
        <p className="reason warm-note">
          <span className="warm-dot" aria-hidden="true" /> Warm: opens at once.
        </p>
      )}
      <LimitNotice notice={lab.notice} />
      {building && <ImageProgressView progress={lab.progress} kind={lab.source} />}
      {!building && buildError && (
        <div className="build-error">
          <p className="reason reason-error">{buildError}</p>
          <LogDisclosure lines={lab.progress?.lines ?? []} summary={lab.source === 'pull' ? 'Pull log' : 'Build log'} />
        </div>
      )}
      {lab.phase === 'error' && <LogDisclosure lines={lab.logTail} summary="Last log lines" />}
      <Resources lab={lab} />
      {hasActions && (
        <footer className="card-actions">
          {canPrepare && (
            <button type="button" className="button button-primary" disabled={busy !== null} onClick={onPrepare} aria-describedby={adminButton.describedBy}>
              {adminButton.locked && <LockIcon />}
              {lab.source === 'pull' ? 'Pull image' : 'Build image'}
            </button>
          )}
          {allowed.open && (
            <button type="button" className="button button-primary" disabled={busy !== null && busy !== 'open'} onClick={onOpen}>
              Open
            </button>
          )}
          {allowed.stop && (
            <button type="button" className="button" disabled={busy !== null && busy !== 'open'} onClick={onStop}>
              Stop
            </button>
          )}
          {allowed.reset && <ResetButton lab={lab} disabled={busy !== null} onReset={onReset} />}
          {extra}
        </footer>
      )}
    </article>
  );
}
