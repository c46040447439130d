import type { KeyboardEvent } from 'react';
import { isMacPlatform, shortcutLabel } from '../terminal/keys';

export interface TabItem<K> {
  key: K;
  tabId: string;
  panelId: string;
  label: string;
  /** For tabs that can be closed: the close button's name ("Close Terminal 1"). */
  closeLabel?: string;
  ended?: boolean;
}

interface Props<K> {
  items: TabItem<K>[];
  active: K;
  onActivate(key: K): void;
  onClose(key: K): void;
  onNewTerminal(): void;
  /** Why a new terminal cannot be opened now, or null when it can. */
  newTerminalBlocked: string | null;
  /** Set while a terminal is shown: the Search button opens its search box. */
  onSearch: (() => void) | null;
}

/**
 * The lab view's tabs: the notebook and one per terminal, then "+ Terminal". Arrow keys, Home and End move
 * between tabs; Enter or Space (or a click) shows one; Delete closes a terminal tab.
 */
export function LabTabs<K extends string | number>({ items, active, onActivate, onClose, onNewTerminal, newTerminalBlocked, onSearch }: Props<K>) {
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const tabs = [...e.currentTarget.querySelectorAll<HTMLElement>('[role="tab"]')];
    const i = tabs.indexOf(document.activeElement as HTMLElement);
    if (i < 0) return;
    let next: number | null = null;
    if (e.key === 'ArrowRight') next = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    else if (e.key === 'Delete') {
      const item = items[i];
      if (item?.closeLabel) {
        e.preventDefault();
        onClose(item.key);
      }
      return;
    }
    if (next === null) return;
    e.preventDefault();
    tabs[next]?.focus();
  };

  return (
    <div className="lab-tabs">
      <div role="tablist" aria-label="Notebook and terminals" className="tablist" onKeyDown={onKeyDown}>
        {items.map((item) => {
          const selected = item.key === active;
          return (
            <div key={item.key} role="presentation" className={`tab${selected ? ' tab-selected' : ''}${item.ended ? ' tab-ended' : ''}`}>
              <button
                type="button"
                role="tab"
                id={item.tabId}
                aria-selected={selected}
                aria-controls={item.panelId}
                aria-keyshortcuts={item.closeLabel ? 'Delete' : undefined}
                tabIndex={selected ? 0 : -1}
                className="tab-button"
                onClick={() => onActivate(item.key)}
              >
                {item.closeLabel && (
                  <span className="tab-icon" aria-hidden="true">
                    ›_
                  </span>
                )}
                {item.label}
              </button>
              {item.closeLabel && (
                // A tab list holds only tabs: the close button is for the pointer, and keyboard and screen
                // reader users close the selected tab with Delete (announced by aria-keyshortcuts on the tab).
                <button type="button" className="tab-close" aria-hidden="true" title={item.closeLabel} tabIndex={-1} onClick={() => onClose(item.key)}>
                  <span aria-hidden="true">×</span>
                </button>
              )}
            </div>
          );
        })}
      </div>
      <button
        type="button"
        className="button button-ghost button-small tab-new"
        aria-label="New terminal"
        title={newTerminalBlocked ?? 'Open a terminal in this lab'}
        disabled={newTerminalBlocked !== null}
        onClick={onNewTerminal}
      >
        <span aria-hidden="true">+</span> Terminal
      </button>
      <div className="toolbar-spacer" />
      {onSearch && (
        <button
          type="button"
          className="button button-ghost button-small"
          title={`Search the terminal (${shortcutLabel('search', isMacPlatform())})`}
          onClick={onSearch}
        >
          Search
        </button>
      )}
    </div>
  );
}
