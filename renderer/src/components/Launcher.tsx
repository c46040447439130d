import type { ReactNode } from 'react';
import type { Catalog, HubLab, LabView } from '../../../electron/api/contract';
import { HubLabCard } from './hub/HubLabCard';
import { AdminIndicator, LockIcon, useAdminButton } from './admin/AdminIndicator';
import { LabEditActions } from './editor/LabEditActions';
import { useProfileOrigins } from '../editor/useProfileOrigins';
import { useFocusOnMount } from '../hooks/useFocusOnMount';
import type { LabActions } from '../hooks/useLabActions';
import { LabCard } from './LabCard';
import { PackActions } from './packs/PackActions';
import { ProfileProblems } from './ProfileProblems';
import { AdminEntries } from './settings/AdminEntries';

interface Props {
  catalog: Catalog;
  actions: LabActions;
  onOpen(lab: LabView): void;
  onSandboxCheck(): void;
  /** A sandbox check is running (it goes on while the user is here). */
  sandboxRunning: boolean;
  /** The machine settings and the host terminal (admin). */
  onSettings(): void;
  onHostTerminal(): void;
  /** Opens the workshop host's console (This machine). */
  onHost?(): void;
  /** The profile editor: a new lab, or a lab to edit (absent: no editor). */
  onNewLab?(): void;
  onEditLab?(id: string): void;
  /** The instructor's Grade screen (admin; absent: not offered). */
  onGrade?(): void;
  /** The exercises screen: install and remove a lab's exercises (admin; absent: not offered). */
  onExercises?(): void;
  /** The labs on the JupyterHubs this computer uses, shown beside the local ones. */
  hubLabs?: HubLab[];
  onOpenHub?(lab: HubLab): void;
  onStopHub?(lab: HubLab): void;
}

/** The list of labs from the catalog, each with its state and actions. */
export function Launcher({
  catalog,
  actions,
  onOpen,
  onSandboxCheck,
  sandboxRunning,
  onSettings,
  onHostTerminal,
  onHost,
  onNewLab,
  onEditLab,
  onGrade,
  onExercises,
  hubLabs = [],
  onOpenHub,
  onStopHub,
}: Props) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const origins = useProfileOrigins(catalog.labs);
  const adminButton = useAdminButton();
  return (
    <div className="screen launcher">
      <header className="topbar">
        <span className="brand">ClassLab</span>
        <AdminIndicator />
      </header>
      <main className="launcher-content" aria-labelledby="labs-title">
        <div className="launcher-header">
          <h1 id="labs-title" ref={heading} tabIndex={-1}>
            Labs
          </h1>
          <div className="launcher-tools">
            {onNewLab && (
              <button type="button" className="button" onClick={onNewLab} aria-describedby={adminButton.describedBy}>
                {adminButton.locked && <LockIcon />}
                New lab
              </button>
            )}
            <PackActions labs={catalog.labs} />
            {sandboxRunning && (
              <span className="launcher-running muted small" id="sandbox-running">
                <span className="spinner spinner-small" aria-hidden="true" /> Checking the sandbox…
              </span>
            )}
            <button
              type="button"
              className="button"
              onClick={onSandboxCheck}
              aria-describedby={sandboxRunning ? 'sandbox-running' : adminButton.describedBy}
              title="Attack a throw-away copy of each lab to see that the sandbox holds"
            >
              {adminButton.locked && <LockIcon />}
              Sandbox check
            </button>
            <AdminEntries onSettings={onSettings} onHostTerminal={onHostTerminal} />
            {onGrade && (
              <AdminToolButton onClick={onGrade} title="Grade students' notebooks with the hidden tests put back, each in a throw-away container">
                Grade notebooks
              </AdminToolButton>
            )}
            {onExercises && (
              <AdminToolButton
                onClick={onExercises}
                title="Install and remove the exercises students check their code against; hidden tests stay on this computer"
              >
                Exercises
              </AdminToolButton>
            )}
            {onHost && (
              <AdminToolButton onClick={onHost} title="Every lab on this machine with its figures; stop, delete, reset the machine">
                This machine
              </AdminToolButton>
            )}
          </div>
        </div>
        <ProfileProblems problems={catalog.problems} />
        {catalog.labs.length === 0 && hubLabs.length === 0 ? (
          <p className="muted">There are no labs in the catalog yet.</p>
        ) : (
          <ul className="cards">
            {catalog.labs.map((lab) => (
              <li key={lab.id}>
                <LabCard
                  lab={lab}
                  busy={actions.busy[lab.id] ?? null}
                  onPrepare={() => void actions.run('prepare', lab.id)}
                  onOpen={() => onOpen(lab)}
                  onStop={() => void actions.run('stop', lab.id)}
                  onReset={() => void actions.run('reset', lab.id)}
                  extra={onEditLab && origins?.get(lab.id) ? <LabEditActions lab={lab} entry={origins.get(lab.id)!} onEdit={onEditLab} /> : undefined}
                />
              </li>
            ))}
            {hubLabs.map((lab) => (
              <li key={lab.id}>
                <HubLabCard lab={lab} onOpen={() => onOpenHub?.(lab)} onStop={() => onStopHub?.(lab)} />
              </li>
            ))}
          </ul>
        )}
      </main>
    </div>
  );
}

/** A launcher button into the admin area: the padlock while locked, and the hint that it asks for the PIN. */
function AdminToolButton({ onClick, title, children }: { onClick(): void; title: string; children: ReactNode }) {
  const adminButton = useAdminButton();
  return (
    <button type="button" className="button" onClick={onClick} aria-describedby={adminButton.describedBy} title={title}>
      {adminButton.locked && <LockIcon />}
      {children}
    </button>
  );
}
