interface Props {
  label: string;
  /** When loading failed: a button that tries again instead of the spinner. */
  retry?: { label: string; onRetry(): void };
}

export function Loading({ label, retry }: Props) {
  return (
    <main className="screen screen-center">
      <div className="loading" role="status">
        {!retry && <span className="spinner" aria-hidden="true" />}
        <span>{label}</span>
        {retry && (
          <button type="button" className="button" onClick={retry.onRetry}>
            {retry.label}
          </button>
        )}
      </div>
    </main>
  );
}
