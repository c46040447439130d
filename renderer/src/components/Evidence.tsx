import { useId, useState } from 'react';

/** About two lines of evidence at this width; longer evidence folds, with a button to show it all. */
const FOLD_CHARS = 220;

/** An attack's evidence in small monospaced text; long evidence wraps and is folded to two lines. */
export function Evidence({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const long = text.length > FOLD_CHARS || text.split('\n').length > 2;
  return (
    <div className="evidence-wrap">
      <p id={id} className={`evidence${long && !open ? ' evidence-folded' : ''}`}>
        {text}
      </p>
      {long && (
        <button type="button" className="link-button" aria-expanded={open} aria-controls={id} onClick={() => setOpen((o) => !o)}>
          {open ? 'Show less' : 'Show all'}
        </button>
      )}
    </div>
  );
}
