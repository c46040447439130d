// The UI reports the notebook's rectangle in its page's CSS pixels; a native view is placed in window
// pixels. They are the same until the app page is zoomed (Ctrl +/-), then they differ by the zoom factor.
import type { Rect } from '../api/contract';

export function toViewBounds(rect: Rect, zoomFactor: number): Rect {
  const z = Number.isFinite(zoomFactor) && zoomFactor > 0 ? zoomFactor : 1;
  return { x: Math.round(rect.x * z), y: Math.round(rect.y * z), width: Math.round(rect.width * z), height: Math.round(rect.height * z) };
}
