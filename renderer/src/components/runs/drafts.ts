// Code kept between visits in this browser's own storage (this PC only): quick-run drafts and exercise
// answers. Storage that is full or refused keeps the code in its box for this visit only.

export function readStored(key: string, fallback: string): string {
  try {
    return window.localStorage.getItem(key) ?? fallback;
  } catch {
    return fallback;
  }
}

export function keepStored(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // Storage full or refused: the code stays in the box for this visit.
  }
}
