import { Fragment, type ReactNode } from 'react';
import { parseMarkdown, type Inline } from './markdown';

function inline(parts: Inline[]): ReactNode {
  return parts.map((p, i) => {
    if (p.t === 'code') return <code key={i}>{p.v}</code>;
    if (p.t === 'strong') return <strong key={i}>{p.v}</strong>;
    if (p.t === 'em') return <em key={i}>{p.v}</em>;
    if (p.t === 'link')
      return p.href ? (
        <a key={i} href={p.href} target="_blank" rel="noopener noreferrer">
          {p.text}
        </a>
      ) : (
        <Fragment key={i}>{p.text}</Fragment>
      );
    return <Fragment key={i}>{p.v}</Fragment>;
  });
}

/**
 * An exercise's statement: Markdown read by markdown.ts and built as React elements, so nothing in it is
 * ever HTML. Headings start below the screen's own (`baseLevel`).
 */
export function Markdown({ source, baseLevel = 3 }: { source: string; baseLevel?: number }) {
  return (
    <div className="markdown">
      {parseMarkdown(source).map((b, i) => {
        if (b.type === 'heading') {
          const H = `h${Math.min(6, baseLevel + b.level - 1)}` as 'h3';
          return <H key={i}>{inline(b.text)}</H>;
        }
        if (b.type === 'code')
          return (
            <pre key={i} tabIndex={0}>
              <code>{b.text}</code>
            </pre>
          );
        if (b.type === 'list') {
          const L = b.ordered ? 'ol' : 'ul';
          return (
            <L key={i}>
              {b.items.map((item, j) => (
                <li key={j}>{inline(item)}</li>
              ))}
            </L>
          );
        }
        return <p key={i}>{inline(b.text)}</p>;
      })}
    </div>
  );
}
