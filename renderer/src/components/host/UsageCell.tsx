import { formatBytes } from '../../../../electron/api/units';

interface Props {
  used: number | null;
  limit: number;
  /** Bytes (memory, disk) or CPU % of one core. */
  unit: 'bytes' | 'percent';
}

/** "312 MB of 1 GB" with a small bar; "–" when not measured. Over 90 % of the limit turns it to a warning. */
export function UsageCell({ used, limit, unit }: Props) {
  if (used === null) return <span className="muted">–</span>;
  const share = limit > 0 ? Math.min(1, used / limit) : 0;
  const text = unit === 'bytes' ? `${formatBytes(used)} of ${formatBytes(limit)}` : `${Math.round(used)}% of ${Math.round(limit)}%`;
  return (
    <span className={`usage${share >= 0.9 ? ' usage-high' : ''}`}>
      <span className="usage-text">{text}</span>
      <span className="usage-bar" aria-hidden="true">
        <span className="usage-fill" style={{ width: `${Math.round(share * 100)}%` }} />
      </span>
    </span>
  );
}
