import { LogBox } from './LogBox';

interface Props {
  lines: string[];
  summary: string;
}

/** Log lines behind a disclosure: for errors, where the reason comes first and the details on request. */
export function LogDisclosure({ lines, summary }: Props) {
  if (lines.length === 0) return null;
  return (
    <details className="disclosure">
      <summary>
        {summary} ({lines.length} {lines.length === 1 ? 'line' : 'lines'})
      </summary>
      <LogBox lines={lines} label={summary} />
    </details>
  );
}
