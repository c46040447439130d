import { useEffect, useRef, type RefObject } from 'react';

/** Moves the focus to a screen's heading when the screen appears, so keyboard and screen-reader users land in it. */
export function useFocusOnMount<T extends HTMLElement>(): RefObject<T | null> {
  const ref = useRef<T>(null);
  useEffect(() => {
    const el = ref.current;
    // Not when something inside the page already has the focus on purpose (a dialog, a field).
    if (el && (document.activeElement === null || document.activeElement === document.body)) el.focus({ preventScroll: true });
  }, []);
  return ref;
}
