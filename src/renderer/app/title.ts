import { useEffect } from 'react';

/** "(2) Bob — Sotto": the unread count in the window title (taskbar, tab strip). */
export function windowTitle(base: string | null, unread: number): string {
  const name = base ? `${base} — Sotto` : 'Sotto';
  return unread > 0 ? `(${unread}) ${name}` : name;
}

export function useWindowTitle(base: string | null, unread: number): void {
  useEffect(() => {
    document.title = windowTitle(base, unread);
  }, [base, unread]);
}
