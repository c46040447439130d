import { useId, type ReactNode } from 'react';
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
