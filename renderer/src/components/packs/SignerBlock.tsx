import { useId } from 'react';
import type { PackSigner } from '../../../../electron/api/contract';
import { signerWords } from '../../packs/packWords';

interface Props {
  signer: PackSigner | null;
  /** The trust question's answer (an untrusted signer only). */
  trustAnswered: boolean;
  onTrustAnswered(answered: boolean): void;
  /** The question can no longer be changed (the import runs or ran). */
  locked: boolean;
}

/** Who signed the pack, in full, and — for a signer this computer does not trust yet — the question to trust it. */
export function SignerBlock({ signer, trustAnswered, onTrustAnswered, locked }: Props) {
  const words = signerWords(signer);
  const hintId = useId();
  const titleId = useId();
  return (
    <section className={`pack-signer pack-signer-${words.kind}`} aria-labelledby={titleId}>
      <h3 id={titleId}>Signed by</h3>
      <p>
        <strong>{words.headline}</strong> {words.detail}
      </p>
      {signer && (
        <p>
          Fingerprint: <code className="fingerprint">{signer.fingerprint}</code>
        </p>
      )}
      {words.question && (
        <>
          <label className="pack-trust">
            <input type="checkbox" checked={trustAnswered} disabled={locked} aria-describedby={hintId} onChange={(e) => onTrustAnswered(e.target.checked)} />
            <span>{words.question}</span>
          </label>
          <p id={hintId} className="field-hint">
            Compare this fingerprint with the one your instructor gave you. Once trusted, this computer imports that signer’s packs without asking.
          </p>
        </>
      )}
    </section>
  );
}
