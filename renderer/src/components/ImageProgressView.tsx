import type { ImageProgress } from '../../../electron/api/contract';
import { LogBox } from './LogBox';
import { ProgressBar } from './ProgressBar';

interface Props {
  progress: ImageProgress | null;
  kind: 'build' | 'pull';
}

/** A live image build or pull: a bar (moving without a value while the fraction is unknown), the step, the log. */
export function ImageProgressView({ progress, kind }: Props) {
  const what = (progress?.kind ?? kind) === 'pull' ? 'Pulling image' : 'Building image';
  return (
    <section className="image-progress" aria-label={what}>
      <ProgressBar fraction={progress?.fraction ?? null} label={what} />
      <p className="step" aria-live="polite">
        {progress?.step ?? `${what}…`}
      </p>
      <LogBox lines={progress?.lines ?? []} label={`${what}: log`} />
    </section>
  );
}
