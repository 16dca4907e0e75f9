// Themes are CSS variables on one root class (styles/theme.css). "system" follows
// prefers-color-scheme live until the person picks light or dark in the settings.
import { useEffect } from 'react';
import type { ThemeChoice } from '../ipc/contract.ts';

function apply(choice: ThemeChoice, prefersDark: boolean): void {
  const dark = choice === 'dark' || (choice === 'system' && prefersDark);
  const root = document.documentElement;
  root.classList.toggle('theme-dark', dark);
  root.classList.toggle('theme-light', !dark);
}

export function useTheme(choice: ThemeChoice): void {
  useEffect(() => {
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    apply(choice, query.matches);
    if (choice !== 'system') return;
    const onChange = (e: MediaQueryListEvent) => apply(choice, e.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, [choice]);
}
