// notebook.show and notebook.hide place a native view in Electron: they must reach the main process in
// the order the UI made them, even when one view unmounts while the next one mounts. One queue for all.
let tail: Promise<unknown> = Promise.resolve();

export function enqueueNotebookCall<T>(call: () => Promise<T>): Promise<T> {
  const next = tail.then(call, call);
  tail = next.catch(() => undefined);
  return next;
}
