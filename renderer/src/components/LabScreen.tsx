import { lazy, Suspense, useCallback, useEffect, useId, useRef, useState } from 'react';
import type { LabView } from '../../../electron/api/contract';
import type { LabAction } from '../hooks/useLabActions';
import { useCourse } from '../hooks/useCourse';
import { useFilesPanelOpen } from '../hooks/useFilesPanelOpen';
import { useIdleWarning } from '../hooks/useIdleWarning';
import { IdleWarningBanner } from './idle/IdleWarningBanner';
import { useTerminalTabs, type ActiveTab } from '../hooks/useTerminalTabs';
import { requestNotebookOpen } from '../notebookRequest';
import { FilesPanel } from './files/FilesPanel';
import { CourseNotice } from './git/CourseNotice';
import { GitPanel } from './git/GitPanel';
import { LabNotRunning } from './LabNotRunning';
import { LabTabs, type TabItem } from './LabTabs';
import { LabToolbar } from './LabToolbar';
import { LimitNotice } from './LimitNotice';
import { NotebookArea } from './NotebookArea';
import { ProgressView } from './ProgressView';
import { QuickRunPanel } from './runs/QuickRunPanel';
import { ExercisesPanel } from './exercises/ExercisesPanel';
import { StartingView } from './StartingView';

// xterm.js is most of the renderer's weight: it loads when a lab is ready (a terminal may be wanted), not
// with the launcher.
const loadTerminalPane = () => import('./TerminalPane');
const TerminalPane = lazy(() => loadTerminalPane().then((m) => ({ default: m.TerminalPane })));

interface Props {
  lab: LabView;
  busy: LabAction | null;
  run(action: LabAction, id: string): Promise<unknown>;
  onBack(): void;
}

/**
 * One lab: a toolbar, then tabs for its notebook and its terminals once ready; progress while it starts;
 * why, when it is not running. Terminal tabs stay (with their output and how their shell ended) while the
 * lab stops and starts again; leaving the lab view closes them.
 */
export function LabScreen({ lab, busy, run, onBack }: Props) {
  const ready = lab.phase === 'ready' && busy !== 'reset';
  const terminals = useTerminalTabs();
  const ids = useId();
  const notebookShown = terminals.active === 'notebook';
  const [filesOpen, toggleFiles] = useFilesPanelOpen();
  const [gitOpen, setGitOpen] = useState(false);
  const [runOpen, setRunOpen] = useState(false);
  const [exercisesOpen, setExercisesOpen] = useState(false);
  // The course's status and sync progress live here, so a sync ClassLab runs on open is noticed with the panel closed.
  const course = useCourse(lab.id, ready);
  // Idle auto-stop: this view's input keeps the lab from counting as idle; the warning before a stop.
  const idle = useIdleWarning(lab.id, ready);
  // The workspace is reachable while the lab runs, and while it is stopped (a helper serves it).
  const filesAvailable = busy !== 'reset' && (ready || lab.phase === 'stopped' || lab.phase === 'error');
  const { activate } = terminals;
  const openNotebook = useCallback(
    (path: string) => {
      activate('notebook');
      requestNotebookOpen(lab.id, path);
    },
    [activate, lab.id],
  );

  useEffect(() => {
    if (ready) void loadTerminalPane();
  }, [ready]);

  // A terminal-first lab (the code lab) opens a terminal the first time it is ready in this view; the
  // notebook stays one tab away. Only once: a student who closed it does not get it back on a restart.
  const terminalFirst = useRef(lab.layout === 'terminal');
  const { add: addTerminal } = terminals;
  useEffect(() => {
    if (!ready || !terminalFirst.current) return;
    terminalFirst.current = false;
    addTerminal();
  }, [ready, addTerminal]);

  let body;
  if (ready) {
    // Behind a terminal tab the notebook steps aside (in Electron its native view would cover the page).
    body = <NotebookArea lab={lab} hidden={!notebookShown} />;
  } else if (busy === 'reset') {
    body = <ProgressView title="Resetting the lab…" detail="The container is recreated; the workspace is kept." />;
  } else if (lab.phase === 'starting' || busy === 'open') {
    body = <StartingView lab={lab} />;
  } else if (lab.phase === 'stopping') {
    body = <ProgressView title="Stopping the lab…" />;
  } else {
    body = <LabNotRunning lab={lab} onOpenAgain={() => void run('open', lab.id)} />;
  }

  const notebookTabId = `${ids}-tab-notebook`;
  const items: TabItem<ActiveTab>[] = [
    { key: 'notebook', tabId: notebookTabId, panelId: `${ids}-panel-notebook`, label: 'Notebook' },
    ...terminals.tabs.map((t) => ({
      key: t.key,
      tabId: `${ids}-tab-${t.key}`,
      panelId: `${ids}-panel-${t.key}`,
      label: t.ended ? `${t.title} (ended)` : t.title,
      closeLabel: `Close ${t.title}`,
      ended: t.ended,
    })),
  ];

  // After closing the shown terminal with nothing left of it, the keyboard lands on the Notebook tab.
  const focusNotebookTab = useRef(false);
  useEffect(() => {
    if (focusNotebookTab.current && notebookShown) document.getElementById(notebookTabId)?.focus();
    focusNotebookTab.current = false;
  });

  const activeTerminal = terminals.active === 'notebook' ? null : terminals.active;
  const showTabs = ready || terminals.tabs.length > 0;

  return (
    <div className="screen lab-screen">
      <LabToolbar
        lab={lab}
        busy={busy}
        onBack={onBack}
        onStop={() => void run('stop', lab.id)}
        onReset={() => void run('reset', lab.id)}
        files={{ open: filesOpen, controls: `${ids}-files`, onToggle: toggleFiles }}
        git={{ open: gitOpen, controls: `${ids}-git`, label: course.status?.course ? 'Course' : 'Git', onToggle: () => setGitOpen((o) => !o) }}
        quickRun={{ open: runOpen, controls: `${ids}-run`, onToggle: () => setRunOpen((o) => !o) }}
        exercises={{ open: exercisesOpen, controls: `${ids}-exercises`, onToggle: () => setExercisesOpen((o) => !o) }}
      />
      <LimitNotice notice={lab.notice} />
      <IdleWarningBanner warning={idle.warning} onKeepWorking={idle.keepWorking} />
      <CourseNotice
        notice={course.notice}
        onShow={() => {
          setGitOpen(true);
          course.dismissNotice();
        }}
        onDismiss={course.dismissNotice}
      />
      <main className="lab-body" aria-label={lab.title}>
        {filesOpen && <FilesPanel id={`${ids}-files`} lab={lab} available={filesAvailable} onOpenNotebook={ready ? openNotebook : null} />}
        <div className="lab-main">
          {showTabs ? (
            <>
              <LabTabs
                items={items}
                active={terminals.active}
                onActivate={terminals.activate}
                onClose={(key) => {
                  if (key === 'notebook') return;
                  if (terminals.close(key) === 'notebook') focusNotebookTab.current = true;
                }}
                onNewTerminal={terminals.add}
                newTerminalBlocked={ready ? null : 'The lab is not running: open it first.'}
                onSearch={activeTerminal === null ? null : () => terminals.requestSearch(activeTerminal)}
              />
              <div className="lab-panels">
                <div role="tabpanel" id={`${ids}-panel-notebook`} aria-labelledby={notebookTabId} hidden={!notebookShown} className="lab-panel">
                  {body}
                </div>
                {terminals.tabs.map((t) => {
                  const tabId = `${ids}-tab-${t.key}`;
                  const panelId = `${ids}-panel-${t.key}`;
                  const active = terminals.active === t.key;
                  return (
                    <Suspense
                      key={t.key}
                      fallback={<div role="tabpanel" id={panelId} aria-labelledby={tabId} hidden={!active} className="lab-panel terminal-panel" />}
                    >
                      <TerminalPane
                        labId={lab.id}
                        labReady={ready}
                        tabId={tabId}
                        panelId={panelId}
                        active={active}
                        focusToken={terminals.focusToken}
                        searchToken={t.searchToken}
                        onEnded={(ended) => terminals.setEnded(t.key, ended)}
                      />
                    </Suspense>
                  );
                })}
              </div>
            </>
          ) : (
            body
          )}
        </div>
        {gitOpen && <GitPanel id={`${ids}-git`} lab={lab} ready={ready} course={course} />}
        {runOpen && <QuickRunPanel id={`${ids}-run`} lab={lab} />}
        {exercisesOpen && <ExercisesPanel id={`${ids}-exercises`} lab={lab} />}
      </main>
    </div>
  );
}
