import './settings.css';
import { useId, useState } from 'react';
import { NewLabResources, THEMES, type EngineStatus, type Theme } from '../../../../electron/api/contract';
import { useFocusOnMount } from '../../hooks/useFocusOnMount';
import { ScreenToolbar } from '../ScreenToolbar';
import { Loading } from '../Loading';
import { EngineSetting } from './EngineSetting';
import { NumberSetting } from './NumberSetting';
import { TrustList } from './TrustList';
import { WarmLabsSetting } from './WarmLabsSetting';
import { useSettings } from './useSettings';

interface Props {
  /** The engine's status as the app keeps it (useEngine): the Docker engine section shows it. */
  engine: EngineStatus | null;
  onBack(): void;
}

const THEME_LABELS: Record<Theme, string> = { system: 'Follow the system', light: 'Light', dark: 'Dark' };

/**
 * This machine's settings (admin only): what it trusts (course folders, local addresses, pack signers,
 * labs without gVisor), the admin lock's idle minutes, backups and quick runs, the Docker engine (this
 * computer's or a server's over ssh), and the theme. Each change
 * is saved at once and checked by ClassLab as `classlab trust …` checks it; a refused one says why.
 */
/** The new-lab defaults; their ranges are the contract's own (NewLabResources). */
const NEW_LAB_FIELDS = (
  [
    { key: 'memoryMiB', label: 'Memory', unit: 'MiB' },
    { key: 'cpus', label: 'CPUs', unit: 'CPUs' },
    { key: 'pids', label: 'Processes', unit: 'processes' },
    { key: 'diskMiB', label: 'Workspace disk', unit: 'MiB' },
  ] as const
).map((f) => ({ ...f, min: NewLabResources.shape[f.key].minValue ?? 0, max: NewLabResources.shape[f.key].maxValue ?? Number.MAX_SAFE_INTEGER }));

export function SettingsScreen({ engine, onBack }: Props) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const form = useSettings();
  const themeId = useId();
  const { settings, saving, errors, save } = form;
  // A choice shows as made at once; it falls back to the saved value when the save is refused.
  const [choice, setChoice] = useState<{ theme?: Theme; unsigned?: boolean }>({});
  const choose = (next: { theme?: Theme; unsigned?: boolean }, part: string, patch: Parameters<typeof save>[1]): void => {
    setChoice((c) => ({ ...c, ...next }));
    void save(part, patch).finally(() => setChoice({}));
  };

  let body;
  if (!settings) {
    body = form.loadError ? <Loading label={form.loadError} retry={{ label: 'Try again', onRetry: form.reload }} /> : <Loading label="Reading the settings…" />;
  } else {
    body = (
      <div className="admin-page-content">
        <section className="admin-page-section" aria-labelledby="settings-admin">
          <h2 id="settings-admin">Admin lock</h2>
          <NumberSetting
            label="Lock the admin area after"
            value={settings.adminLockMinutes}
            min={1}
            max={240}
            unit="idle minutes"
            saving={saving !== null}
            error={errors.lock}
            onSave={(adminLockMinutes) => save('lock', { adminLockMinutes })}
          />
        </section>

        <section className="admin-page-section" aria-labelledby={`${themeId}-title`}>
          <h2 id={`${themeId}-title`}>Theme</h2>
          <div role="radiogroup" aria-labelledby={`${themeId}-title`} className="settings-choices">
            {THEMES.map((theme) => (
              <label key={theme} className="settings-choice">
                <input
                  type="radio"
                  name={`${themeId}-theme`}
                  value={theme}
                  checked={(choice.theme ?? settings.theme) === theme}
                  disabled={saving !== null}
                  onChange={() => choose({ theme }, 'theme', { theme })}
                />
                {THEME_LABELS[theme]}
              </label>
            ))}
          </div>
          <p className="muted small">For every window and browser tab of this ClassLab, students’ too.</p>
          {errors.theme && (
            <p className="dialog-error" role="alert">
              {errors.theme}
            </p>
          )}
        </section>

        <TrustList
          area="mount"
          title="Approved course folders"
          description="Folders on this computer that lab profiles may mount read-only (course materials). Never a home folder, a hidden folder, ClassLab's data or a system folder."
          items={settings.trust.mountFolders}
          add={{ label: 'Folder', placeholder: '/srv/courses/physics', button: 'Add folder' }}
          empty="No folders: profiles cannot mount anything from this computer."
          form={form}
        />

        <TrustList
          area="local"
          title="Local git addresses and notebook imports"
          description="Addresses on this computer or its local network that labs may use: course repositories and push remotes (file://, a folder, http:// on a private address) and “open a notebook from a URL”. Everything under an address is allowed."
          items={settings.trust.localAddresses}
          add={{ label: 'Address', placeholder: 'http://192.168.1.10:3000/ or /srv/git', button: 'Allow address' }}
          empty="None: local git addresses and local URL imports are refused (public https:// addresses always work)."
          form={form}
        />

        <section className="admin-page-section" aria-labelledby="settings-packs">
          <h2 id="settings-packs">Lab packs</h2>
          <label className="settings-choice">
            <input
              type="checkbox"
              checked={choice.unsigned ?? settings.trust.unsignedPacks}
              disabled={saving !== null}
              onChange={(ev) => choose({ unsigned: ev.target.checked }, 'unsigned', { trust: [{ area: 'unsigned', allow: ev.target.checked }] })}
            />
            Accept lab packs that carry no signature
          </label>
          {errors.unsigned && (
            <p className="dialog-error" role="alert">
              {errors.unsigned}
            </p>
          )}
        </section>

        <TrustList
          area="signer"
          title="Trusted pack signers"
          description="Lab packs signed by these keys are imported without asking. A signer is added when you import one of its packs and choose to trust it."
          items={settings.trust.packSigners}
          empty="No trusted signers yet."
          form={form}
        />

        <TrustList
          area="gvisor"
          title="Labs that may run without gVisor"
          description="Where gVisor is installed, every lab runs under it unless listed here. Listing a lab weakens its sandbox."
          items={settings.trust.skipGvisorLabs}
          add={{ label: 'Lab id', placeholder: 'python', button: 'Allow without gVisor' }}
          empty="None: every lab runs under gVisor where it is installed."
          form={form}
        />

        <section className="admin-page-section" aria-labelledby="settings-machine">
          <h2 id="settings-machine">This computer’s limits</h2>
          <NumberSetting
            label="Workspace backups kept per lab"
            value={settings.backupsKeep}
            min={1}
            max={1000}
            unit="backups"
            saving={saving !== null}
            error={errors.backups}
            onSave={(backupsKeep) => save('backups', { backupsKeep })}
          />
          <NumberSetting
            label="Labs running at once"
            value={settings.maxRunningLabs}
            min={1}
            max={64}
            unit="labs"
            saving={saving !== null}
            error={errors.labs}
            onSave={(maxRunningLabs) => save('labs', { maxRunningLabs })}
          />
          <NumberSetting
            label="Quick runs at once"
            value={settings.quickRuns.maxConcurrent}
            min={1}
            max={16}
            unit="runs"
            saving={saving !== null}
            error={errors.runs}
            onSave={(maxConcurrent) => save('runs', { quickRuns: { maxConcurrent } })}
          />
          <NumberSetting
            label="Quick runs waiting"
            value={settings.quickRuns.maxQueued}
            min={1}
            max={500}
            unit="runs"
            saving={saving !== null}
            error={errors.queued}
            onSave={(maxQueued) => save('queued', { quickRuns: { maxQueued } })}
          />
          <p className="muted small">A lab’s memory, CPUs, processes and disk are set in its profile.</p>
        </section>

        <EngineSetting
          status={engine}
          engineHost={settings.engineHost}
          saving={saving !== null}
          error={errors.engine}
          onSave={(patch) => save('engine', patch)}
        />

        <WarmLabsSetting form={form} />

        <section className="admin-page-section" aria-labelledby="settings-new-labs">
          <h2 id="settings-new-labs">New labs start with</h2>
          <p className="muted small">What the profile editor fills in for a new lab. Labs that exist keep their own.</p>
          {NEW_LAB_FIELDS.map((f) => (
            <NumberSetting
              key={f.key}
              label={f.label}
              value={settings.newLabResources[f.key]}
              min={f.min}
              max={f.max}
              unit={f.unit}
              saving={saving !== null}
              error={errors[`new-${f.key}`]}
              onSave={(n) => save(`new-${f.key}`, { newLabResources: { [f.key]: n } })}
            />
          ))}
        </section>
      </div>
    );
  }

  return (
    <div className="screen settings-screen">
      <ScreenToolbar title="Settings" headingRef={heading} onBack={onBack}>
        {saving && (
          <span className="muted small" role="status">
            <span className="spinner spinner-small" aria-hidden="true" /> Saving…
          </span>
        )}
      </ScreenToolbar>
      <main className="admin-page-main" aria-label="Settings">
        {body}
      </main>
    </div>
  );
}
