import type { ReactNode, RefObject } from 'react';
import { AdminIndicator } from './admin/AdminIndicator';

interface Props {
  title: string;
  /** The heading that takes the focus when the screen appears (useFocusOnMount). */
  headingRef: RefObject<HTMLHeadingElement | null>;
  onBack(): void;
  /** Shown before the admin indicator (a busy line). */
  children?: ReactNode;
}

/** The header of a screen reached from the launcher: back to the labs, its title, and the admin lock. */
export function ScreenToolbar({ title, headingRef, onBack, children }: Props) {
  return (
    <header className="toolbar">
      <button type="button" className="button button-ghost" onClick={onBack} aria-label="Back to labs">
        <span aria-hidden="true">←</span> Labs
      </button>
      <h1 className="toolbar-title" ref={headingRef} tabIndex={-1}>
        {title}
      </h1>
      <span className="toolbar-spacer" />
      {children}
      <AdminIndicator />
    </header>
  );
}
