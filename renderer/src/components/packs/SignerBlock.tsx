import { useId } from 'react';
import type { PackSigner } from '../../../../electron/api/contract';
import { signerWords } from '../../packs/packWords';

interface Props {
  signer: PackSigner | null;
  /** The trust question's answer (an untrusted signer only). */
  trustAnswered: boolean;
  onTrustAnswered(answered: boolean): void;
  /** Ask the trust question (before the import; afterwards only who signed it is shown). */
  ask: boolean;
}

/** Who signed the pack, in full, and — for a signer this computer does not trust yet — the question to trust it. */
export function SignerBlock({ signer, trustAnswered, onTrustAnswered, ask }: Props) {
  const words = signerWords(signer);
  const hintId = useId();
  return (
    <section className={`pack-signer pack-signer-${words.kind}`} aria-label="Signer">
      <p>
        {/* After an import attempt the untrusted signer's prompt no longer applies: who signed it stays. */}
        <strong>{words.headline}</strong> {ask || words.kind !== 'untrusted' ? words.detail : ''}
      </p>
      {signer && (
        <p>
          Fingerprint: <code className="fingerprint">{signer.fingerprint}</code>
        </p>
      )}
      {ask && words.question && (
        <>
          <label className="pack-trust">
            <input type="checkbox" checked={trustAnswered} aria-describedby={hintId} onChange={(e) => onTrustAnswered(e.target.checked)} />
            {/* The words of signerWords().question, with the fingerprint set apart so it can be compared. */}
            <span>
              Trust lab packs signed by <code className="fingerprint">{signer?.fingerprint}</code>?
            </span>
          </label>
          <p id={hintId} className="field-hint">
            Compare this fingerprint with the one your instructor gave you. Once trusted, this computer imports that signer’s packs without asking.
          </p>
        </>
      )}
    </section>
  );
}
