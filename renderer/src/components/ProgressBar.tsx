interface Props {
  /** 0..1, or null when unknown (the bar then moves without a value). */
  fraction: number | null;
  label: string;
}

export function ProgressBar({ fraction, label }: Props) {
  const percent = fraction === null ? null : Math.round(Math.min(1, Math.max(0, fraction)) * 100);
  return (
    <div
      className={`progressbar${percent === null ? ' progressbar-indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent ?? undefined}
      aria-valuetext={percent === null ? undefined : `${percent}%`}
    >
      <div className="progressbar-fill" style={percent === null ? undefined : { width: `${percent}%` }} />
    </div>
  );
}
