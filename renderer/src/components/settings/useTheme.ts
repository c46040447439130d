import { useEffect } from 'react';
import type { Theme } from '../../../../electron/api/contract';
import { useApi } from '../../context';

/** Puts the machine's theme on <html data-theme>, where the stylesheet's light-dark() colours read it. */
export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
}

/** The theme of this ClassLab, for every view (students' too): read once per connection, then kept up to date. */
export function useTheme(generation: number): void {
  const api = useApi();
  useEffect(() => api.on('settings:changed', (a) => applyTheme(a.theme)), [api]);
  useEffect(() => {
    if (generation === 0) return;
    // An older ClassLab without the setting: the system's theme, as before.
    api.settings.appearance().then(
      (a) => applyTheme(a.theme),
      () => applyTheme('system'),
    );
  }, [api, generation]);
}
