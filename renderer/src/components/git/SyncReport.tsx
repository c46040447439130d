import type { CourseSyncReport } from '../../../../electron/api/contract';

interface Props {
  report: CourseSyncReport;
  /** The backup folder's workspace path, when the history was rewritten. */
  backupPath: string | null;
  folder: string;
}

const OUTCOME: Record<CourseSyncReport['outcome'], string> = {
  cloned: 'Course copied in',
  synced: 'Changes brought in',
  'up-to-date': 'Already up to date',
  'fresh-copy': 'Fresh copy, old folder kept',
};

function Group({ title, items }: { title: string; items: string[] }) {
  if (items.length === 0) return null;
  return (
    <div className="sync-group">
      <dt>
        {title} ({items.length})
      </dt>
      {items.map((item) => (
        <dd key={item}>{item}</dd>
      ))}
    </div>
  );
}

/** What a sync did, in plain words first, then every file by what happened to it. */
export function SyncReport({ report, backupPath, folder }: Props) {
  const kept = report.kept.map((k) =>
    k.instructorCopy ? `${k.path} — yours kept; your instructor’s version is in ${k.instructorCopy}` : `${k.path} — yours kept (your instructor removed it)`,
  );
  const details =
    report.added.length + report.updated.length + report.merged.length + kept.length + report.renamed.length + report.restored.length + report.removed.length;
  return (
    <div className="sync-report">
      <p className="sync-outcome">{OUTCOME[report.outcome]}</p>
      <ul className="sync-summary">
        {report.summary.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      {backupPath && (
        <p className="sync-backup">
          Your previous folder is kept as <strong>{backupPath}</strong>.
        </p>
      )}
      {details > 0 && report.outcome !== 'cloned' && (
        <details>
          <summary>
            Every file ({details}) in {folder}
          </summary>
          <dl className="sync-files">
            <Group title="Added by your instructor" items={report.added} />
            <Group title="Updated by your instructor" items={report.updated} />
            <Group title="Combined (your lines kept where you both changed them)" items={report.merged} />
            <Group title="Kept as yours" items={kept} />
            <Group title="Renamed to make room" items={report.renamed.map((r) => `${r.from} → ${r.to}`)} />
            <Group title="Brought back" items={report.restored} />
            <Group title="Removed by your instructor" items={report.removed} />
          </dl>
        </details>
      )}
    </div>
  );
}
