// Everything the shell registers (IPC handlers, event listeners, core subscriptions) is kept as a
// Disposable in the place that registered it, so a window, a view or the app can let go of all of it at
// once and no listener outlives what it serves.

export interface Disposable {
  dispose(): void;
}

export function toDisposable(fn: () => void): Disposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      fn();
    },
  };
}

export class DisposableStore implements Disposable {
  private items: Disposable[] = [];
  private disposed = false;

  add<T extends Disposable>(item: T): T {
    // Adding to a store that is already gone disposes at once, so a late registration cannot leak.
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const items = this.items.reverse();
    this.items = [];
    for (const item of items) {
      try {
        item.dispose();
      } catch {
        // One failing cleanup must not stop the others.
      }
    }
  }
}
