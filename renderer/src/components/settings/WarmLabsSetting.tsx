import { useEffect, useId, useState } from 'react';
import { WarmLabs, type WarmWindow } from '../../../../electron/api/contract';
import { useApi } from '../../context';
import type { SettingsForm } from './useSettings';

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const NEW_WINDOW: WarmWindow = { days: [1, 2, 3, 4, 5], from: '08:55', until: '17:00' };

/**
 * Warm labs (setting warmLabs): which labs keep a started sandbox ready while they are stopped, so Open is
 * ready at once, and when. The whole setting is saved as one patch, checked by the contract's schema here
 * first (a window that ends before it starts says so beside it) and again by ClassLab.
 */
export function WarmLabsSetting({ form }: { form: SettingsForm }) {
  const api = useApi();
  const id = useId();
  const saved = form.settings!.warmLabs;
  const [draft, setDraft] = useState<WarmLabs>(saved);
  const [labs, setLabs] = useState<Array<{ id: string; title: string }> | null>(null);
  useEffect(() => setDraft(saved), [saved]);
  useEffect(() => {
    let live = true;
    void api.labs.list().then(
      (c) => live && setLabs(c.labs.map((l) => ({ id: l.id, title: l.title }))),
      () => live && setLabs([]),
    );
    return () => {
      live = false;
    };
  }, [api]);

  const checked = WarmLabs.safeParse(draft);
  const problem = checked.success ? null : checked.error.issues[0];
  const changed = JSON.stringify(draft) !== JSON.stringify(saved);
  const setWindow = (i: number, w: WarmWindow) => setDraft((d) => ({ ...d, windows: d.windows.map((x, j) => (j === i ? w : x)) }));
  const toggleLab = (lab: string, on: boolean) => setDraft((d) => ({ ...d, labs: on ? [...d.labs, lab] : d.labs.filter((l) => l !== lab) }));

  return (
    <section className="admin-page-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Warm labs</h2>
      <p className="muted small">
        A warm lab is started ahead of time while the lab is stopped, so Open is ready at once. Each takes its lab’s memory and counts against the labs running
        at once; warm labs are the first stopped when a student opens another lab or memory runs short.
      </p>
      <fieldset className="settings-fieldset">
        <legend>Keep warm</legend>
        {labs === null && <p className="muted small">Reading the labs…</p>}
        <div className="settings-choices">
          {(labs ?? []).map((lab) => (
            <label key={lab.id} className="settings-choice">
              <input type="checkbox" checked={draft.labs.includes(lab.id)} onChange={(ev) => toggleLab(lab.id, ev.target.checked)} />
              {lab.title}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="settings-fieldset">
        <legend>When</legend>
        {draft.windows.length === 0 && <p className="muted small">Always, while ClassLab runs. Add a window to keep them warm only around classes.</p>}
        {draft.windows.map((w, i) => (
          <div key={i} className="warm-window" role="group" aria-label={`Window ${i + 1}`}>
            <div className="settings-choices">
              {DAY_NAMES.map((name, day) => (
                <label key={name} className="settings-choice">
                  <input
                    type="checkbox"
                    checked={w.days.includes(day)}
                    onChange={(ev) => setWindow(i, { ...w, days: ev.target.checked ? [...w.days, day].sort() : w.days.filter((d) => d !== day) })}
                  />
                  {name}
                </label>
              ))}
            </div>
            <label className="settings-choice">
              from
              <input type="time" className="form-control" value={w.from} onChange={(ev) => setWindow(i, { ...w, from: ev.target.value })} />
            </label>
            <label className="settings-choice">
              until
              <input type="time" className="form-control" value={w.until} onChange={(ev) => setWindow(i, { ...w, until: ev.target.value })} />
            </label>
            <button type="button" className="button" onClick={() => setDraft((d) => ({ ...d, windows: d.windows.filter((_, j) => j !== i) }))}>
              Remove window
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button"
          disabled={draft.windows.length >= 14}
          onClick={() => setDraft((d) => ({ ...d, windows: [...d.windows, NEW_WINDOW] }))}
        >
          Add a window
        </button>
      </fieldset>
      {problem && (
        <p className="dialog-error" role="alert">
          {problem.path[0] === 'windows' && typeof problem.path[1] === 'number' ? `Window ${problem.path[1] + 1}: ` : ''}
          {problem.message}
        </p>
      )}
      {form.errors.warm && (
        <p className="dialog-error" role="alert">
          {form.errors.warm}
        </p>
      )}
      <div className="settings-choices">
        <button
          type="button"
          className="button button-primary"
          disabled={!changed || problem !== null || form.saving !== null}
          onClick={() => void form.save('warm', { warmLabs: draft })}
        >
          Save warm labs
        </button>
        {changed && (
          <button type="button" className="button" onClick={() => setDraft(saved)}>
            Undo changes
          </button>
        )}
      </div>
    </section>
  );
}
