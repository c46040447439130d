import { sparkline } from '../../host/overview';

interface Props {
  /** Values 0–100 (of the lab's limit), oldest first; null where the lab was not measured. */
  values: (number | null)[];
  label: string;
  tone: 'cpu' | 'memory';
}

const W = 80;
const H = 20;

/** A tiny line of the last few minutes, with its latest value said in words for screen readers. */
export function Sparkline({ values, label, tone }: Props) {
  const runs = sparkline(values, W, H);
  const last = [...values].reverse().find((v) => v !== null);
  const words = last === undefined || last === null ? `${label}: no figures yet` : `${label}: ${Math.round(last)}% of its limit now`;
  return (
    <svg className={`sparkline sparkline-${tone}`} width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={words}>
      <line x1="0" y1={H - 0.5} x2={W} y2={H - 0.5} className="sparkline-base" />
      {runs.map((points, i) => (
        <polyline key={i} points={points} fill="none" />
      ))}
    </svg>
  );
}
