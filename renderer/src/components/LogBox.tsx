import { useLayoutEffect, useRef } from 'react';

interface Props {
  lines: string[];
  label: string;
}

/** The newest log lines in a scrollable monospaced box that follows the end unless scrolled up. */
export function LogBox({ lines, label }: Props) {
  const ref = useRef<HTMLPreElement>(null);
  const stick = useRef(true);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [lines]);
  if (lines.length === 0) return null;
  return (
    <pre
      ref={ref}
      className="logbox"
      tabIndex={0}
      role="log"
      aria-live="off"
      aria-label={label}
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 8;
      }}
    >
      {lines.join('\n')}
    </pre>
  );
}
