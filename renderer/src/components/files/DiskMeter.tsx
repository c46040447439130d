import type { DiskUsage } from '../../../../electron/api/contract';
import { formatBytes, formatMiB } from '../../files/format';

/** "Workspace: 12 MB of 512 MiB used", as a meter that warns above 90%. */
export function DiskMeter({ usage }: { usage: DiskUsage | null }) {
  if (!usage) return null;
  const total = usage.totalBytes > 0 ? usage.totalBytes : usage.limitMiB * 1024 * 1024;
  const fraction = total > 0 ? Math.min(1, usage.usedBytes / total) : 0;
  const warn = fraction > 0.9;
  const text = `Workspace: ${formatBytes(usage.usedBytes)} of ${formatMiB(usage.limitMiB)} used`;
  return (
    <div className={`disk-meter${warn ? ' disk-meter-warn' : ''}`}>
      <p className="disk-meter-text">
        {text}
        {warn && <span> — almost full</span>}
      </p>
      <div
        className="disk-meter-bar"
        role="meter"
        aria-label="Workspace disk use"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
        aria-valuetext={text}
      >
        <div className="disk-meter-fill" style={{ width: `${Math.round(fraction * 100)}%` }} />
      </div>
    </div>
  );
}
