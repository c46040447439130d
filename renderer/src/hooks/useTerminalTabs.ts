import { useCallback, useState } from 'react';

export interface TerminalTab {
  key: number;
  /** "Terminal 1", "Terminal 2", … never reused while the lab view is open. */
  title: string;
  ended: boolean;
  /** Bumped by the tab strip's Search button. */
  searchToken: number;
}

export type ActiveTab = 'notebook' | number;

export interface TerminalTabs {
  tabs: TerminalTab[];
  active: ActiveTab;
  /** Bumped on every activation, so activating the active tab still moves the focus into it. */
  focusToken: number;
  add(): void;
  activate(tab: ActiveTab): void;
  /** Removes a tab; when it was shown, its left neighbour (or the notebook) is shown instead. */
  close(key: number): ActiveTab;
  setEnded(key: number, ended: boolean): void;
  requestSearch(key: number): void;
}

/** The terminal tabs of one lab view, beside its notebook. */
export function useTerminalTabs(): TerminalTabs {
  const [state, setState] = useState<{ tabs: TerminalTab[]; active: ActiveTab; next: number; focusToken: number }>({
    tabs: [],
    active: 'notebook',
    next: 1,
    focusToken: 0,
  });

  const add = useCallback(() => {
    setState((s) => ({
      tabs: [...s.tabs, { key: s.next, title: `Terminal ${s.next}`, ended: false, searchToken: 0 }],
      active: s.next,
      next: s.next + 1,
      focusToken: s.focusToken + 1,
    }));
  }, []);

  const activate = useCallback((tab: ActiveTab) => {
    setState((s) => ({ ...s, active: tab, focusToken: s.focusToken + 1 }));
  }, []);

  const close = useCallback(
    (key: number): ActiveTab => {
      const i = state.tabs.findIndex((t) => t.key === key);
      const left = state.tabs[i - 1]?.key ?? state.tabs[i + 1]?.key ?? 'notebook';
      const nextActive = state.active === key ? left : state.active;
      setState((s) => {
        const index = s.tabs.findIndex((t) => t.key === key);
        if (index < 0) return s;
        const neighbour = s.tabs[index - 1]?.key ?? s.tabs[index + 1]?.key ?? 'notebook';
        return {
          ...s,
          tabs: s.tabs.filter((t) => t.key !== key),
          active: s.active === key ? neighbour : s.active,
          focusToken: s.active === key ? s.focusToken + 1 : s.focusToken,
        };
      });
      return nextActive;
    },
    [state],
  );

  const setEnded = useCallback((key: number, ended: boolean) => {
    setState((s) => {
      if (!s.tabs.some((t) => t.key === key && t.ended !== ended)) return s;
      return { ...s, tabs: s.tabs.map((t) => (t.key === key ? { ...t, ended } : t)) };
    });
  }, []);

  const requestSearch = useCallback((key: number) => {
    setState((s) => ({ ...s, tabs: s.tabs.map((t) => (t.key === key ? { ...t, searchToken: t.searchToken + 1 } : t)) }));
  }, []);

  return { tabs: state.tabs, active: state.active, focusToken: state.focusToken, add, activate, close, setEnded, requestSearch };
}
