import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import type { Catalog, LabView } from '../../electron/api/contract';
import { AlertList } from './components/AlertList';
import { ConnectionProblem } from './components/ConnectionProblem';
import { EngineDown } from './components/EngineDown';
import { LabScreen } from './components/LabScreen';
import { Launcher } from './components/Launcher';
import { HubLabScreen } from './components/hub/HubLabScreen';
import { useHubLabs } from './hooks/useHubLabs';
import { Loading } from './components/Loading';
import { ReconnectBanner } from './components/ReconnectBanner';
import { SandboxScreen } from './components/SandboxScreen';
import { HostScreen } from './components/host/HostScreen';
import { AdminHint } from './components/admin/AdminIndicator';
import { ProfileEditorScreen } from './components/editor/ProfileEditorScreen';
import type { EditorTarget } from './editor/useProfileEditor';
import { AdminPrompt } from './components/admin/AdminPrompt';
import { SettingsScreen } from './components/settings/SettingsScreen';
import { GradeScreen } from './components/grading/GradeScreen';
import { ExercisesAdminScreen } from './components/exercises/ExercisesAdminScreen';
import { useTheme } from './components/settings/useTheme';
import { AdminContext, ReportErrorContext } from './context';
import { errorCode, errorMessage } from './errors';
import { useAdmin } from './hooks/useAdmin';
import { useAlerts } from './hooks/useAlerts';
import { useConnection } from './hooks/useConnection';
import { useEngine } from './hooks/useEngine';
import { useLabActions } from './hooks/useLabActions';
import { allowedActions, isRunning } from '../../electron/api/phase-rules';
import { useLabs } from './hooks/useLabs';
import { useSandboxCheck } from './hooks/useSandboxCheck';
import { useCapDialog } from './hooks/useCapDialog';
import { CapDialog } from './components/idle/CapDialog';

// The host terminal brings xterm.js: loaded when it is opened, as a lab's terminals are.
const HostTerminalScreen = lazy(() => import('./components/hostterm/HostTerminalScreen').then((m) => ({ default: m.HostTerminalScreen })));

export function App() {
  const connection = useConnection();
  const { alerts, push, dismiss } = useAlerts();
  const [openLabId, setOpenLabId] = useState<string | null>(null);
  /** The hub lab shown (core/hub), beside openLabId for local labs. */
  const [openHubId, setOpenHubId] = useState<string | null>(null);
  const [sandboxOpen, setSandboxOpen] = useState(false);
  /** The admin area's own screens (settings, host terminal, grading, exercises), opened from the launcher. */
  const [adminScreen, setAdminScreen] = useState<'settings' | 'host-terminal' | 'grading' | 'exercises' | null>(null);
  const [hostOpen, setHostOpen] = useState(false);
  const [editorTarget, setEditorTarget] = useState<EditorTarget | null>(null);

  // The generation of the last good connection: views reload after every reconnection.
  const [generation, setGeneration] = useState(0);
  if (connection.kind === 'open' && connection.generation !== generation) setGeneration(connection.generation);

  // ENGINE_DOWN switches to the engine screen; everything else becomes a dismissible alert.
  const reportDown = useRef<(message: string) => void>(() => {});
  // TOO_MANY_LABS opens the cap dialog (the running labs, an offer to stop the longest-idle one).
  const cap = useCapDialog();
  const showCap = cap.show;
  const reportError = useCallback(
    (err: unknown) => {
      if (errorCode(err) === 'ENGINE_DOWN') reportDown.current(errorMessage(err));
      else if (errorCode(err) === 'TOO_MANY_LABS') showCap(errorMessage(err));
      else push(err);
    },
    [push, showCap],
  );

  const engine = useEngine(generation, reportError);
  useEffect(() => {
    reportDown.current = engine.reportDown;
  }, [engine.reportDown]);

  const engineUp = engine.status?.state === 'up';
  const labs = useLabs(`${generation}`, generation > 0 && engineUp, reportError);
  const hubs = useHubLabs(`${generation}`, generation > 0 && engineUp, reportError);
  // One admin session for the whole desktop: its status, and the dialog every admin action asks through.
  const admin = useAdmin(generation, reportError);
  const actions = useLabActions(labs.update, reportError, admin.asAdmin);
  const sandbox = useSandboxCheck(reportError, admin.asAdmin);
  useTheme(generation);
  const { ensure } = admin;
  const openAdminScreen = useCallback(
    (which: 'settings' | 'host-terminal') =>
      void ensure(which === 'settings' ? 'Opening the settings' : 'Opening the host terminal').then((ok) => ok && setAdminScreen(which)),
    [ensure],
  );

  const { run } = actions;
  const openLab = useCallback(
    (lab: LabView) => {
      setOpenLabId(lab.id);
      // A running lab is joined as it is; one that is not is started (where its phase allows it).
      if (allowedActions(lab.phase).open && !isRunning(lab.phase)) void run('open', lab.id);
    },
    [run],
  );

  const launcher = (catalog: Catalog) => (
    <Launcher
      catalog={catalog}
      actions={actions}
      onOpen={openLab}
      onSandboxCheck={() => setSandboxOpen(true)}
      sandboxRunning={sandbox.running}
      onSettings={() => openAdminScreen('settings')}
      onHostTerminal={() => openAdminScreen('host-terminal')}
      onHost={() => void admin.ensure('The host overview').then((ok) => ok && setHostOpen(true))}
      onNewLab={() => setEditorTarget({ kind: 'new' })}
      onEditLab={(id) => setEditorTarget({ kind: 'edit', id })}
      onGrade={() => void admin.ensure('Grading notebooks').then((ok) => ok && setAdminScreen('grading'))}
      onExercises={() => void admin.ensure('Installing exercises').then((ok) => ok && setAdminScreen('exercises'))}
      hubLabs={hubs.labs}
      onOpenHub={(lab) => {
        setOpenHubId(lab.id);
        if (lab.phase !== 'ready') void hubs.open(lab.id);
      }}
      onStopHub={(lab) => void hubs.stop(lab.id)}
    />
  );

  let screen;
  if (connection.kind === 'expired' || connection.kind === 'no-token') {
    screen = <ConnectionProblem kind={connection.kind} />;
  } else if (generation === 0) {
    screen = <Loading label="Connecting to ClassLab…" />;
  } else if (!engine.status && engine.failed) {
    screen = <Loading label="ClassLab did not answer." retry={{ label: 'Try again', onRetry: () => void engine.checkNow() }} />;
  } else if (!engine.status || engine.status.state === 'checking') {
    screen = <Loading label="Looking for Docker…" />;
  } else if (engine.status.state === 'down' && adminScreen === 'settings') {
    // The settings need no engine, and are where another one is chosen when this one does not answer.
    screen = <SettingsScreen engine={engine.status} onBack={() => setAdminScreen(null)} />;
  } else if (engine.status.state === 'down') {
    screen = (
      <EngineDown
        status={engine.status}
        checking={engine.checking}
        onCheckNow={engine.checkNow}
        onEngineSettings={() => void admin.ensure('Choosing the Docker engine').then((ok) => ok && setAdminScreen('settings'))}
      />
    );
  } else if (!labs.catalog) {
    screen = labs.failed ? (
      <Loading label="The labs could not be loaded." retry={{ label: 'Try again', onRetry: () => void labs.reload() }} />
    ) : (
      <Loading label="Loading labs…" />
    );
  } else if (adminScreen === 'settings') {
    screen = <SettingsScreen engine={engine.status} onBack={() => setAdminScreen(null)} />;
  } else if (adminScreen === 'grading') {
    screen = <GradeScreen labs={labs.catalog.labs} onBack={() => setAdminScreen(null)} />;
  } else if (adminScreen === 'exercises') {
    screen = <ExercisesAdminScreen labs={labs.catalog.labs} onBack={() => setAdminScreen(null)} />;
  } else if (adminScreen === 'host-terminal') {
    screen = (
      <Suspense fallback={<Loading label="Opening the host terminal…" />}>
        <HostTerminalScreen onBack={() => setAdminScreen(null)} />
      </Suspense>
    );
  } else if (hostOpen) {
    screen = <HostScreen labs={labs.catalog.labs} actions={actions} onBack={() => setHostOpen(false)} />;
  } else if (editorTarget) {
    screen = (
      <ProfileEditorScreen
        key={editorTarget.kind === 'edit' ? editorTarget.id : 'new'}
        target={editorTarget}
        labs={labs.catalog.labs}
        actions={actions}
        onBack={() => setEditorTarget(null)}
        onOpen={(lab) => {
          setEditorTarget(null);
          openLab(lab);
        }}
      />
    );
  } else if (sandboxOpen) {
    screen = <SandboxScreen check={sandbox} labs={labs.catalog.labs} onBack={() => setSandboxOpen(false)} />;
  } else if (openHubId && hubs.labs.some((l) => l.id === openHubId)) {
    const lab = hubs.labs.find((l) => l.id === openHubId)!;
    screen = (
      <HubLabScreen key={lab.id} lab={lab} onOpen={() => void hubs.open(lab.id)} onStop={() => void hubs.stop(lab.id)} onBack={() => setOpenHubId(null)} />
    );
  } else if (openLabId) {
    const lab = labs.catalog.labs.find((l) => l.id === openLabId);
    screen = lab ? (
      <LabScreen key={lab.id} lab={lab} busy={actions.busy[lab.id] ?? null} run={actions.run} onBack={() => setOpenLabId(null)} />
    ) : (
      launcher(labs.catalog)
    );
  } else {
    screen = launcher(labs.catalog);
  }

  return (
    <ReportErrorContext.Provider value={reportError}>
      <AdminContext.Provider value={admin}>
        <div className="app">
          {connection.kind === 'reconnecting' && <ReconnectBanner state={connection} />}
          {connection.kind !== 'expired' && <AlertList alerts={alerts} onDismiss={dismiss} />}
          {screen}
          <CapDialog
            message={cap.message}
            labs={labs.catalog?.labs ?? []}
            opening={labs.catalog?.labs.find((l) => l.id === openLabId) ?? null}
            stop={(id) => run('stop', id)}
            open={(id) => run('open', id)}
            onClose={cap.close}
          />
          <AdminPrompt />
          <AdminHint />
        </div>
      </AdminContext.Provider>
    </ReportErrorContext.Provider>
  );
}
