export interface Message {
  text: string;
  action?: { label: string; run(): void };
}

interface Props {
  message: Message | null;
  onDismiss(): void;
}

/** The panel's last news ("Moved to the trash", with Undo), read out politely. */
export function PanelMessage({ message, onDismiss }: Props) {
  return (
    <div className="files-message-slot" role="status" aria-live="polite">
      {message && (
        <div className="files-message">
          <p className="files-message-text">{message.text}</p>
          {message.action && (
            <button
              type="button"
              className="button button-small"
              onClick={() => {
                message.action?.run();
                onDismiss();
              }}
            >
              {message.action.label}
            </button>
          )}
          <button type="button" className="icon-button icon-button-small" aria-label="Dismiss" title="Dismiss" onClick={onDismiss}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
      )}
    </div>
  );
}
