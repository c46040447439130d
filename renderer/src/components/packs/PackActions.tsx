import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { LabView } from '../../../../electron/api/contract';
import { useAdminLock } from '../../context';
import { useFileDrop } from '../../hooks/useFileDrop';
import { usePackImport } from '../../hooks/usePackImport';
import { pickedFiles, type DroppedFile } from '../../packs/dropItems';
import { PACK_EXTENSION } from '../../packs/packFile';
import { ExportPackDialog } from './ExportPackDialog';
import { ImportPackDialog } from './ImportPackDialog';
import { LockIcon, useAdminButton } from '../admin/AdminIndicator';
import '../../packs.css';

interface Props {
  labs: readonly LabView[];
}

/** Gives the focus back to the button that opened a dialog once the dialog has closed (not before: the page behind a modal is inert). */
function useFocusBack(open: boolean, button: RefObject<HTMLButtonElement | null>): void {
  const wasOpen = useRef(open);
  useEffect(() => {
    if (wasOpen.current && !open) button.current?.focus();
    wasOpen.current = open;
  }, [open, button]);
}

/**
 * Every entry point to lab packs, in one place so one condition can hide them all (the instructor's
 * actions behind the admin PIN): the Export and Import buttons, the picker, a .classlab file dropped
 * anywhere on the launcher, and their dialogs.
 */
export function PackActions({ labs }: Props) {
  const importJob = usePackImport();
  // Packs are admin actions: the PIN is asked before a dialog opens (the picker opens at once, while the
  // click still counts as the user's, and the PIN is asked once a file is chosen or dropped).
  const { ensure } = useAdminLock();
  const adminButton = useAdminButton();
  const [exportOpen, setExportOpen] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const exportButton = useRef<HTMLButtonElement>(null);
  const importButton = useRef<HTMLButtonElement>(null);
  const { start } = importJob;
  const importing = importJob.state.kind !== 'idle';

  const onFiles = useCallback(
    (files: DroppedFile[]) =>
      void ensure('Importing a lab pack').then((unlocked) => {
        if (unlocked) void start(files);
      }),
    [start, ensure],
  );
  const dragging = useFileDrop(!importing && !exportOpen, onFiles);

  useFocusBack(importing, importButton);
  useFocusBack(exportOpen, exportButton);

  return (
    <>
      <button
        ref={exportButton}
        type="button"
        className="button"
        onClick={() =>
          void ensure('Exporting a lab pack').then((unlocked) => {
            if (unlocked) setExportOpen(true);
          })
        }
        aria-describedby={adminButton.describedBy}
        title="Put labs into one file that installs them on other computers, offline"
      >
        {adminButton.locked && <LockIcon />}
        Export lab pack…
      </button>
      <button
        ref={importButton}
        type="button"
        className="button"
        onClick={() => picker.current?.click()}
        aria-describedby={adminButton.describedBy}
        title={`Install the labs of a ${PACK_EXTENSION} file (or drop the file anywhere here)`}
      >
        {adminButton.locked && <LockIcon />}
        Import lab pack…
      </button>
      <input
        ref={picker}
        type="file"
        accept={PACK_EXTENSION}
        hidden
        onChange={(e) => {
          const files = pickedFiles(e.target.files);
          // Cleared, so picking the same file again is a change too.
          e.target.value = '';
          onFiles(files);
        }}
      />
      {exportOpen && <ExportPackDialog labs={labs} onClose={() => setExportOpen(false)} />}
      <ImportPackDialog job={importJob} />
      {dragging && (
        <div className="pack-drop" aria-hidden="true">
          <p className="pack-drop-hint">Drop the {PACK_EXTENSION} file to import its labs</p>
        </div>
      )}
    </>
  );
}
