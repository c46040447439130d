import { useState } from 'react';
import type { LabView } from '../../../electron/api/contract';
import { ConfirmDialog } from './ConfirmDialog';

interface Props {
  lab: LabView;
  disabled: boolean;
  onReset(): void;
}

/** "Reset" with a confirmation that says what is lost (the container) and what is kept (the workspace). */
export function ResetButton({ lab, disabled, onReset }: Props) {
  const [asking, setAsking] = useState(false);
  return (
    <>
      <button type="button" className="button" disabled={disabled} onClick={() => setAsking(true)}>
        Reset
      </button>
      <ConfirmDialog
        open={asking}
        title={`Reset ${lab.title}?`}
        confirmLabel="Reset lab"
        danger
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false);
          onReset();
        }}
      >
        <p>The lab's container is recreated from its image: running programs stop, and anything installed or changed outside the workspace is removed.</p>
        <p>
          <strong>The workspace and its files are kept.</strong>
        </p>
      </ConfirmDialog>
    </>
  );
}
