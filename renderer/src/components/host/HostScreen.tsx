import { useState } from 'react';
import type { LabView } from '../../../../electron/api/contract';
import { formatBytes } from '../../../../electron/api/units';
import { useAdminLock, useApi, useReportError } from '../../context';
import { useFocusOnMount } from '../../hooks/useFocusOnMount';
import type { LabActions } from '../../hooks/useLabActions';
import { totals } from '../../host/overview';
import { POLL_MS, useHostOverview } from '../../host/useHostOverview';
import { ScreenToolbar } from '../ScreenToolbar';
import { HostLabTable } from './HostLabTable';
import { MachineResetDialog } from './MachineResetDialog';
import { OrphanList } from './OrphanList';
import '../../host/host.css';

interface Props {
  labs: LabView[];
  actions: LabActions;
  onBack(): void;
}

/** The workshop host's console (admin): every lab at a glance, what was left behind, and the machine reset. */
export function HostScreen({ labs, actions, onBack }: Props) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const api = useApi();
  const admin = useAdminLock();
  const reportError = useReportError();
  const overview = useHostOverview();
  const [resetOpen, setResetOpen] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const status = overview.status;
  const t = status ? totals(status) : null;

  const adminCall = async <T,>(what: string, call: () => Promise<T>): Promise<T | null> => {
    try {
      return await admin.asAdmin(what, call);
    } catch (err) {
      reportError(err);
      return null;
    } finally {
      void overview.refresh();
    }
  };

  return (
    <div className="screen host-screen">
      <ScreenToolbar title={'This machine'} headingRef={heading} onBack={onBack} />
      <main className="host-content" aria-label="This machine">
        {overview.locked && (
          <div className="notice" role="status">
            The admin area is locked: the figures wait.{' '}
            <button type="button" className="button button-small" onClick={() => void admin.ensure('The host overview')}>
              Unlock
            </button>
          </div>
        )}
        {overview.problem && (
          <p className="reason reason-error" role="alert">
            The figures could not be read: {overview.problem}
          </p>
        )}
        {message && (
          <p className="notice" role="status">
            {message}
          </p>
        )}
        <section className="host-totals" aria-label="Machine totals">
          <div className="host-total">
            <span className="host-total-label">Running labs</span>
            <span className="host-total-value">{t ? `${t.running} of ${status!.labs.length}` : '–'}</span>
          </div>
          <div className="host-total">
            <span className="host-total-label">CPU</span>
            <span className="host-total-value">
              {t ? `${Math.round(t.cpuPercent)}%` : '–'}
              {t?.cpuCapacityPercent ? (
                <span className="muted">
                  {' '}
                  of {t.cpuCapacityPercent / 100} cores ({t.cpuCapacityPercent}%)
                </span>
              ) : null}
            </span>
          </div>
          <div className="host-total">
            <span className="host-total-label">Memory</span>
            <span className="host-total-value">
              {t ? formatBytes(t.memoryBytes) : '–'}
              {t?.memoryCapacityBytes ? <span className="muted"> of {formatBytes(t.memoryCapacityBytes)}</span> : null}
            </span>
            {t && t.running > 0 && <span className="muted small">limits of the running labs: {formatBytes(t.memoryLimitsBytes)}</span>}
          </div>
          <div className="host-total">
            <span className="host-total-label">Read</span>
            <span className="host-total-value">{status ? `${new Date(status.at).toLocaleTimeString()}` : '–'}</span>
            <span className="muted small">
              {status ? `in ${(status.tookMs / 1000).toFixed(1)} s, ` : ''}every {POLL_MS / 1000} s while this screen is open
            </span>
          </div>
        </section>
        <section className="host-section" aria-labelledby="host-labs-title">
          <h2 id="host-labs-title">Labs</h2>
          {!status ? (
            <p className="muted">{overview.locked ? 'Unlock the admin area to see the labs.' : 'Reading the labs…'}</p>
          ) : (
            <div className="host-table-wrap">
              <HostLabTable
                labs={status.labs}
                views={labs}
                history={overview.history}
                actions={actions}
                onDelete={async (labId) => {
                  const title = labs.find((l) => l.id === labId)?.title ?? labId;
                  const backup = await adminCall(`Deleting ${title}`, () => api.host.deleteLab(labId));
                  if (backup !== null) setMessage(`${title} is deleted. Its workspace was backed up to ${backup.file}.`);
                }}
              />
            </div>
          )}
        </section>
        {status && (
          <OrphanList
            orphans={status.orphans}
            onRemove={async () => {
              const removed = await adminCall('Removing what was left behind', () => api.host.removeOrphans());
              if (removed) setMessage(`${removed.length} objects that belonged to no lab were removed.`);
            }}
          />
        )}
        <section className="host-section host-danger" aria-labelledby="reset-title">
          <h2 id="reset-title">Reset this machine</h2>
          <p>
            Between groups: every lab, workspace, container, volume and network of ClassLab on this machine is removed, after a checked backup of every
            workspace. Lab packs, settings and the admin PIN stay. You see the list first.
          </p>
          <button type="button" className="button button-danger" onClick={() => setResetOpen(true)}>
            Reset this machine…
          </button>
        </section>
      </main>
      <MachineResetDialog
        open={resetOpen}
        progress={overview.progress}
        onClose={() => setResetOpen(false)}
        onDone={() => {
          setResetOpen(false);
          onBack();
        }}
      />
    </div>
  );
}
