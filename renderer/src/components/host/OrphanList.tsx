import type { OrphanObject } from '../../../../electron/api/contract';
import { useConfirmed } from '../../host/useConfirmed';
import { ConfirmDialog } from '../ConfirmDialog';

interface Props {
  orphans: OrphanObject[];
  onRemove(): Promise<void>;
}

/** ClassLab's objects that belong to no lab profile (left by an older version, a removed profile, a crash). */
export function OrphanList({ orphans, onRemove }: Props) {
  const removal = useConfirmed(onRemove);
  return (
    <section className="host-section" aria-labelledby="orphans-title">
      <div className="host-section-header">
        <h2 id="orphans-title">Left behind</h2>
        {orphans.length > 0 && (
          <button type="button" className="button button-small" disabled={removal.running} onClick={removal.ask}>
            {removal.running ? 'Removing…' : `Remove ${orphans.length === 1 ? 'it' : `all ${orphans.length}`}`}
          </button>
        )}
      </div>
      {orphans.length === 0 ? (
        <p className="muted">Nothing: every ClassLab object on this machine belongs to a lab of the catalog.</p>
      ) : (
        <>
          <p className="muted small">
            These belong to no lab profile of this catalog (an older version, a removed profile, a crash). A workspace among them cannot be backed up.
          </p>
          <ul className="orphan-list">
            {orphans.map((o) => (
              <li key={`${o.kind}:${o.name}`}>
                <span className="badge badge-neutral">{o.kind}</span> <code>{o.name}</code>
                {o.labId && <span className="muted small"> lab {o.labId}</span>}
                {o.state && <span className="muted small"> · {o.state}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      <ConfirmDialog
        open={removal.asking}
        title="Remove what was left behind?"
        confirmLabel="Remove"
        danger
        onCancel={removal.cancel}
        onConfirm={removal.confirm}
      >
        <p>
          {orphans.length} {orphans.length === 1 ? 'object is' : 'objects are'} removed for good, workspaces with their files included. Labs of the catalog are
          not touched.
        </p>
      </ConfirmDialog>
    </section>
  );
}
