import { useEffect, useId, type ReactNode } from 'react';
import { useModalDialog } from '../hooks/useModalDialog';

interface Props {
  open: boolean;
  title: ReactNode;
  children: ReactNode;
  /** The buttons, the harmless one (Cancel) first: showModal() gives the first focusable element the focus. */
  actions: ReactNode;
  /** Escape and Cancel. */
  onCancel(): void;
  /** 'wide' for a dialog that shows a list or a summary (the default suits a question). */
  size?: 'normal' | 'wide';
}

/** A modal question with a native <dialog>: focus is trapped, Escape cancels; a title, a body, buttons. */
export function ModalDialog({ open, title, children, actions, onCancel, size = 'normal' }: Props) {
  const ref = useModalDialog(open);
  const titleId = useId();
  const bodyId = useId();
  // A dialog whose screens change (a button replaced by the next step's) must not drop the focus to the
  // page behind: when the focused element went away, the first button takes the focus.
  useEffect(() => {
    const dialog = ref.current;
    if (!open || !dialog?.open || dialog.contains(document.activeElement)) return;
    dialog.querySelector<HTMLElement>('.dialog-actions button:not(:disabled)')?.focus();
  });
  return (
    <dialog
      ref={ref}
      className={size === 'wide' ? 'dialog dialog-wide' : 'dialog'}
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      <div id={bodyId} className="dialog-body">
        {children}
      </div>
      <div className="dialog-actions">{actions}</div>
    </dialog>
  );
}
