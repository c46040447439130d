import type { AttackResult } from '../../../electron/api/contract';
import { Evidence } from './Evidence';

/** One attack of the sandbox check: blocked or not (in words, not only in colour), what, and the evidence. */
export function AttackRow({ result }: { result: AttackResult }) {
  return (
    <li className={`attack ${result.blocked ? 'attack-blocked' : 'attack-not-blocked'}`}>
      <span className={`attack-status badge ${result.blocked ? 'badge-good' : 'badge-bad'}`}>
        <span aria-hidden="true">{result.blocked ? '✓' : '✗'}</span> {result.blocked ? 'Blocked' : 'NOT blocked'}
      </span>
      <div className="attack-body">
        <p className="attack-name">{result.attack}</p>
        <Evidence text={result.evidence} />
      </div>
    </li>
  );
}
