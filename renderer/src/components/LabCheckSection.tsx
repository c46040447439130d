import type { LabCheck } from '../sandboxCheck';
import { duration, plural, tally, verdict } from '../sandboxCheck';
import { AttackRow } from './AttackRow';

interface Props {
  lab: LabCheck;
  now: number;
}

/** One lab in the sandbox check: where it stands, its verdict at the end, and a row per attack so far. */
export function LabCheckSection({ lab, now }: Props) {
  const titleId = `check-${lab.labId}-title`;
  const title = lab.title ?? lab.labId;
  const t = tally([lab]);
  const elapsed = lab.startedAt === null || lab.problem ? null : duration((lab.finishedAt ?? now) - lab.startedAt);
  return (
    <section className="check-lab" aria-labelledby={titleId}>
      <header className="check-lab-header">
        <h2 id={titleId} className="check-lab-title">
          {title}
        </h2>
        {elapsed && (
          <span className="muted small" role="timer" aria-live="off">
            {elapsed}
          </span>
        )}
      </header>
      <LabCheckStatus lab={lab} attacks={t.attacks} notBlocked={t.notBlocked} />
      {lab.results.length > 0 && (
        <ul className="attacks" aria-label={`Attacks on ${title}`}>
          {lab.results.map((r, i) => (
            <AttackRow key={`${i}-${r.attack}`} result={r} />
          ))}
        </ul>
      )}
    </section>
  );
}

function LabCheckStatus({ lab, attacks, notBlocked }: { lab: LabCheck; attacks: number; notBlocked: number }) {
  if (lab.problem) {
    return (
      <p className="check-summary check-summary-warn" role="status">
        <strong>Not checked.</strong> {lab.problem}
      </p>
    );
  }
  if (lab.stage === 'done') {
    if (attacks === 0) {
      return (
        <p className="check-summary check-summary-warn" role="status">
          <strong>No attack was run.</strong> This is not a pass.
        </p>
      );
    }
    return (
      <p className={`check-summary ${notBlocked > 0 ? 'check-summary-bad' : 'check-summary-good'}`} role="status">
        <span aria-hidden="true">{notBlocked > 0 ? '✗ ' : '✓ '}</span>
        {verdict({ attacks, notBlocked })}
      </p>
    );
  }
  const text =
    lab.stage === 'waiting'
      ? 'Waiting for its turn.'
      : lab.stage === 'starting'
        ? 'Starting a throw-away lab…'
        : `${plural(attacks, 'attack', 'attacks')} checked…`;
  return (
    <p className="check-progress" role="status">
      {lab.stage !== 'waiting' && <span className="spinner" aria-hidden="true" />}
      <span>{text}</span>
    </p>
  );
}
