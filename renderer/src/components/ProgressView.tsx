import type { ReactNode } from 'react';
import { ProgressBar } from './ProgressBar';

interface Props {
  title: string;
  detail?: ReactNode;
  fraction?: number | null;
  children?: ReactNode;
}

/** A centred "something is happening" view with an indeterminate bar unless a fraction is known. */
export function ProgressView({ title, detail, fraction = null, children }: Props) {
  return (
    <div className="progress-view">
      <div className="panel" role="status" aria-live="polite">
        <h2>{title}</h2>
        <ProgressBar fraction={fraction} label={title} />
        {detail && <p className="muted">{detail}</p>}
      </div>
      {children}
    </div>
  );
}
