import { useId, useState, type FormEvent } from 'react';
import type { TrustChange } from '../../../../electron/api/contract';
import type { SettingsForm } from './useSettings';

type ListArea = Exclude<TrustChange['area'], 'unsigned'>;

interface Props {
  area: ListArea;
  title: string;
  description: string;
  items: string[];
  /** The add field's label and example; none: this list is only shortened here. */
  add?: { label: string; placeholder: string; button: string };
  empty: string;
  /** Saves each change (as part `area`: its refusal is shown here). */
  form: Pick<SettingsForm, 'saving' | 'errors' | 'save'>;
}

/** One list of what this machine trusts: each entry with Remove, and (for some) a field to add one. */
export function TrustList({ area, title, description, items, add, empty, form }: Props) {
  const saving = form.saving !== null;
  const error = form.errors[area];
  const onChange = (change: TrustChange): Promise<boolean> => form.save(area, { trust: [change] });
  const [value, setValue] = useState('');
  const id = useId();
  const submit = async (ev: FormEvent): Promise<void> => {
    ev.preventDefault();
    const v = value.trim();
    if (!v) return;
    if (await onChange({ area, verb: 'add', value: v })) setValue('');
  };
  return (
    <section className="admin-page-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <p className="muted small">{description}</p>
      {items.length === 0 ? (
        <p className="settings-empty muted">{empty}</p>
      ) : (
        <ul className="settings-list" aria-label={title}>
          {items.map((item) => (
            <li key={item}>
              <code className="settings-item">{item}</code>
              <button
                type="button"
                className="button button-small"
                disabled={saving}
                aria-label={`Remove ${item}`}
                onClick={() => void onChange({ area, verb: 'remove', value: item })}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {add && (
        <form className="settings-add" onSubmit={(ev) => void submit(ev)}>
          <label htmlFor={`${id}-add`}>{add.label}</label>
          <input
            id={`${id}-add`}
            className="text-field"
            value={value}
            placeholder={add.placeholder}
            spellCheck={false}
            autoComplete="off"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
            onChange={(ev) => setValue(ev.target.value)}
          />
          <button type="submit" className="button" disabled={saving || !value.trim()}>
            {add.button}
          </button>
        </form>
      )}
      {error && (
        <p className="dialog-error" role="alert" id={`${id}-error`}>
          {error}
        </p>
      )}
    </section>
  );
}
