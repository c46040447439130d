import { useCallback, useState } from 'react';

const KEY = 'classlab.filesPanel';

function stored(): boolean {
  try {
    return window.localStorage.getItem(KEY) !== 'closed';
  } catch {
    return true;
  }
}

/** Whether the Files panel is shown beside the notebook: open at first, then as the user left it. */
export function useFilesPanelOpen(): [boolean, () => void] {
  const [open, setOpen] = useState(stored);
  const toggle = useCallback(() => {
    setOpen((was) => {
      try {
        window.localStorage.setItem(KEY, was ? 'closed' : 'open');
      } catch {
        // storage refused (private mode): the choice lasts this view only
      }
      return !was;
    });
  }, []);
  return [open, toggle];
}
