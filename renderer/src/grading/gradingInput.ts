// What the Grade screen sends: notebooks without their outputs (figures make most of a submission's
// size, and grading never reads them), and only calls that fit the bridge's 64 KiB messages — a larger
// message would close the browser's connection, so the screen says to use `classlab grade` instead. Pure.

/** The bridge's message limit is 64 KiB: a call's two notebooks must fit with room for its envelope. */
export const MAX_GRADING_CALL_CHARS = 60 * 1024;

/** The notebook's text with every code cell's outputs cleared; text that is not a notebook is left as it is, for ClassLab to refuse. */
export function withoutOutputs(text: string): string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { cells?: unknown }).cells)) return text;
  const nb = doc as { cells: unknown[] };
  const cells = nb.cells.map((c) => {
    if (typeof c !== 'object' || c === null || (c as { cell_type?: unknown }).cell_type !== 'code') return c;
    return { ...(c as object), outputs: [], execution_count: null };
  });
  return JSON.stringify({ ...nb, cells });
}

/** Why one grading call cannot go through the browser, or null when it can. */
export function tooLargeForBrowser(source: string, submission: string, name: string): string | null {
  const size = source.length + submission.length;
  if (size <= MAX_GRADING_CALL_CHARS) return null;
  return `${name} and the instructor's notebook together are ${Math.ceil(size / 1024)} KiB without outputs; the browser view takes ${MAX_GRADING_CALL_CHARS / 1024} KiB. Grade it with \`classlab grade\` on this computer.`;
}
