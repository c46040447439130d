import { useId } from 'react';
import type { PackSummary } from '../../../../electron/api/contract';
import { imageName, imagesLine, imageStatusWords, labChangeWords, packLine } from '../../packs/packWords';

const CHANGE_BADGE = { new: 'badge-good', update: 'badge-busy', same: 'badge-neutral' } as const;

/** What a pack holds, read from its signed manifest: the file, its labs and what importing does to each, its images. */
export function PackSummaryView({ summary }: { summary: PackSummary }) {
  const labsId = useId();
  const imagesId = useId();
  return (
    <div className="pack-summary">
      <p className="pack-file">{packLine(summary)}</p>
      <section aria-labelledby={labsId}>
        <h3 id={labsId}>{summary.labs.length === 1 ? 'Lab' : `Labs (${summary.labs.length})`}</h3>
        <ul className="pack-list">
          {summary.labs.map((lab) => (
            <li key={lab.id} className="pack-lab">
              <div className="pack-row">
                <strong>{lab.title}</strong>
                <span className={`badge ${CHANGE_BADGE[lab.change]}`}>{labChangeWords(lab.change).badge}</span>
              </div>
              {labChangeWords(lab.change).note && <p className="small">{labChangeWords(lab.change).note}</p>}
              {lab.description && <p className="small">{lab.description}</p>}
              <p className="small">
                Image {lab.image}
                {lab.course ? ' · with a copy of its course materials (the first sync works offline)' : ''}
                {lab.exercises ? ` · ${lab.exercises} exercise${lab.exercises === 1 ? '' : 's'} (their hidden tests are kept outside every lab)` : ''}
              </p>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby={imagesId}>
        <h3 id={imagesId}>Images</h3>
        <ul className="pack-list">
          {summary.images.map((image) => (
            <li key={image.id} className="pack-row">
              <span className="pack-image-name">
                {imageName(image)}
                {image.role === 'helper' && <span className="muted"> (ClassLab helper)</span>}
              </span>
              <span className="small">{imageStatusWords(image)}</span>
            </li>
          ))}
        </ul>
        <p className="small">{imagesLine(summary.images)}</p>
      </section>
    </div>
  );
}
