import type { ReactNode } from 'react';
import { ModalDialog } from './ModalDialog';

interface Props {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

/** A yes-or-cancel question; Cancel has the focus first. */
export function ConfirmDialog({ open, title, children, confirmLabel, danger = false, onConfirm, onCancel }: Props) {
  return (
    <ModalDialog
      open={open}
      title={title}
      onCancel={onCancel}
      actions={
        <>
          {/* First focusable element: showModal() puts the focus here, on the harmless choice. */}
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className={`button ${danger ? 'button-danger' : 'button-primary'}`} onClick={onConfirm}>
            {confirmLabel}
          </button>
        </>
      }
    >
      {children}
    </ModalDialog>
  );
}
