import type { ClashChoice } from '../../../../electron/api/contract';
import { ModalDialog } from '../ModalDialog';

interface Props {
  /** The clashing top-level names; null when there is no question. */
  clashes: string[] | null;
  /** Where they go, for the words. */
  dir: string;
  onChoose(choice: ClashChoice | null): void;
}

const SHOWN = 8;

/** Asks once what to do with uploads whose names are already taken: replace, keep both, or skip. */
export function ClashDialog({ clashes, dir, onChoose }: Props) {
  const list = clashes ?? [];
  const where = dir ? `“${dir}”` : 'the top folder';
  return (
    <ModalDialog
      open={clashes !== null}
      title={list.length === 1 ? 'This name is already taken' : `${list.length} names are already taken`}
      onCancel={() => onChoose(null)}
      actions={
        <>
          <button type="button" className="button" onClick={() => onChoose(null)}>
            Cancel
          </button>
          <div className="toolbar-spacer" />
          <button type="button" className="button" onClick={() => onChoose('skip')}>
            Skip
          </button>
          <button type="button" className="button" onClick={() => onChoose('replace')}>
            Replace
          </button>
          <button type="button" className="button button-primary" onClick={() => onChoose('keep-both')}>
            Keep both
          </button>
        </>
      }
    >
      <p>
        {list.length === 1 ? 'An item' : 'Items'} with {list.length === 1 ? 'this name is' : 'these names are'} already in {where}:
      </p>
      <ul className="clash-list">
        {list.slice(0, SHOWN).map((name) => (
          <li key={name}>{name}</li>
        ))}
        {list.length > SHOWN && <li className="muted">and {list.length - SHOWN} more</li>}
      </ul>
      <p>
        <strong>Replace</strong> moves the old ones to the trash first. <strong>Keep both</strong> uploads them as “name (2)”. <strong>Skip</strong> uploads
        everything else.
      </p>
    </ModalDialog>
  );
}
