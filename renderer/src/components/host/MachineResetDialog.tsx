import { useEffect, useState } from 'react';
import type { HostProgress, ResetOptions, ResetPlan, ResetResult } from '../../../../electron/api/contract';
import { formatBytes } from '../../../../electron/api/units';
import { useAdminLock, useApi } from '../../context';
import { errorMessage } from '../../errors';
import { ModalDialog } from '../ModalDialog';
import { ProgressBar } from '../ProgressBar';

interface Props {
  open: boolean;
  progress: HostProgress | null;
  onClose(): void;
  /** The reset is done and the user goes on: back to a fresh launcher. */
  onDone(): void;
}

type Stage = { kind: 'plan' } | { kind: 'running' } | { kind: 'done'; result: ResetResult } | { kind: 'failed'; message: string };

const KIND_WORDS = {
  container: ['container', 'containers'],
  volume: ['volume', 'volumes (workspaces, their disks, sockets)'],
  network: ['network', 'networks'],
  image: ['image', 'images'],
} as const;

/** Reset this machine: the list of what goes first, then the progress, then what happened. */
export function MachineResetDialog({ open, progress, onClose, onDone }: Props) {
  const api = useApi();
  const admin = useAdminLock();
  const [options, setOptions] = useState<ResetOptions>({ images: false, noBackup: false });
  const [plan, setPlan] = useState<ResetPlan | null>(null);
  const [planError, setPlanError] = useState<string | null>(null);
  const [stage, setStage] = useState<Stage>({ kind: 'plan' });

  useEffect(() => {
    if (!open) return;
    let current = true;
    setPlan(null);
    setPlanError(null);
    admin
      .asAdmin('Reset this machine', () => api.host.resetPlan(options))
      .then(
        (p) => {
          if (!current) return;
          if (p) setPlan(p);
          else onClose();
        },
        (err: unknown) => current && setPlanError(errorMessage(err)),
      );
    return () => {
      current = false;
    };
    // admin changes identity with its status; the plan is read again only for new options.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, options, api]);

  const start = () => {
    setStage({ kind: 'running' });
    admin
      .asAdmin('Reset this machine', () => api.host.reset(options))
      .then(
        (result) => setStage(result ? { kind: 'done', result } : { kind: 'plan' }),
        (err: unknown) => setStage({ kind: 'failed', message: errorMessage(err) }),
      );
  };
  const close = () => {
    if (stage.kind === 'running') return;
    if (stage.kind === 'done') onDone();
    else onClose();
    setStage({ kind: 'plan' });
  };

  let body;
  let actions;
  if (stage.kind === 'running') {
    const fraction = progress && progress.total > 0 ? progress.done / progress.total : null;
    body = (
      <div className="reset-progress" aria-live="polite">
        <p>{progress?.message ?? 'Starting…'}</p>
        <ProgressBar fraction={fraction} label="Resetting this machine" />
        <p className="muted small">Do not close ClassLab until this is done.</p>
      </div>
    );
    actions = (
      <button type="button" className="button" disabled>
        Resetting…
      </button>
    );
  } else if (stage.kind === 'done') {
    const r = stage.result;
    body = (
      <div className="reset-result" aria-live="polite">
        <p>
          <strong>{r.left.length === 0 ? 'This machine is reset.' : `${r.left.length} objects could not be removed.`}</strong> {r.removed.length} objects were
          removed in {(r.tookMs / 1000).toFixed(1)} s.
        </p>
        {r.backups.length > 0 && (
          <>
            <h3>Backups (checked)</h3>
            <ul className="reset-list">
              {r.backups.map((b) => (
                <li key={b.file}>
                  {b.title}: <code>{b.file}</code> ({formatBytes(b.bytes)})
                </li>
              ))}
            </ul>
          </>
        )}
        {r.kept.map((k) => (
          <p key={k.name} className="muted small">
            Kept the {k.kind} {k.name}: {k.reason}
          </p>
        ))}
        {r.left.length > 0 && (
          <ul className="reset-list reason-error">
            {r.left.map((l) => (
              <li key={`${l.kind}:${l.name}`}>
                Not removed: {l.kind} {l.name}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
    actions = (
      <button type="button" className="button button-primary" onClick={close}>
        Back to the labs
      </button>
    );
  } else {
    body = (
      <>
        {stage.kind === 'failed' && (
          <p className="dialog-error" role="alert">
            The reset stopped: {stage.message} Nothing after that step was removed; try again when it is fixed.
          </p>
        )}
        {planError && (
          <p className="dialog-error" role="alert">
            {planError}
          </p>
        )}
        {!plan && !planError && <p className="muted">Reading what is on this machine…</p>}
        {plan && <PlanList plan={plan} />}
        <fieldset className="reset-options">
          <legend>Options</legend>
          <label>
            <input type="checkbox" checked={options.images} onChange={(e) => setOptions((o) => ({ ...o, images: e.target.checked }))} /> Also remove the labs'
            images (they must be built or pulled again)
          </label>
          <label>
            <input type="checkbox" checked={options.noBackup} onChange={(e) => setOptions((o) => ({ ...o, noBackup: e.target.checked }))} /> Do not back up the
            workspaces (<strong>every student's files are lost</strong>)
          </label>
          <label>
            <input type="checkbox" checked={options.keepSignIns ?? false} onChange={(e) => setOptions((o) => ({ ...o, keepSignIns: e.target.checked }))} /> Keep
            the saved git sign-ins (only when the same people use this machine next)
          </label>
        </fieldset>
      </>
    );
    actions = (
      <>
        <button type="button" className="button" onClick={close}>
          Cancel
        </button>
        <button type="button" className="button button-danger" disabled={!plan} onClick={start}>
          {options.noBackup ? 'Reset without backups' : 'Back up, then reset'}
        </button>
      </>
    );
  }

  return (
    <ModalDialog open={open} title="Reset this machine" onCancel={close} actions={actions} size="wide">
      {body}
    </ModalDialog>
  );
}

function PlanList({ plan }: { plan: ResetPlan }) {
  const byKind = (['container', 'volume', 'network', 'image'] as const)
    .map((k) => ({ kind: k, objects: plan.objects.filter((o) => o.kind === k) }))
    .filter((g) => g.objects.length > 0);
  return (
    <div className="reset-plan">
      <p>Everything of this ClassLab ({plan.namespace}) on this machine is removed, so the next group finds it fresh:</p>
      <h3>Labs</h3>
      <ul className="reset-list" aria-label="Labs that are reset">
        {plan.labs.map((l) => (
          <li key={l.labId}>
            <strong>{l.title}</strong>
            {l.orphan && <span className="muted"> (no profile)</span>} —{' '}
            {l.backup ? (
              <span className="reset-backup">its workspace is backed up first</span>
            ) : (
              <span className="muted">not backed up. {l.noBackupReason}</span>
            )}
          </li>
        ))}
      </ul>
      <h3>Docker objects</h3>
      <ul className="reset-list">
        {byKind.map((g) => (
          <li key={g.kind}>
            <details>
              <summary>
                {g.objects.length} {KIND_WORDS[g.kind][g.objects.length === 1 ? 0 : 1]}
              </summary>
              <ul className="reset-names">
                {g.objects.map((o) => (
                  <li key={o.name}>
                    <code>{o.name}</code>
                  </li>
                ))}
              </ul>
            </details>
          </li>
        ))}
        {plan.state.map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ul>
      <p>
        Backups go to <code>{plan.backupsDir}</code>.
      </p>
      <h3>Kept</h3>
      <ul className="reset-list muted">
        {plan.keeps.map((k) => (
          <li key={k}>{k}</li>
        ))}
      </ul>
    </div>
  );
}
