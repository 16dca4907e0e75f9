// The contact list: a listbox with aria-activedescendant, virtualised (@tanstack/react-virtual) so
// 500 contacts render only the rows on screen (docs/ARCHITECTURE.md "Renderer").
import { useCallback, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useStore } from '../../store/index.ts';
import { useCssBox } from '../../components/use-css-box.ts';
import { rangeKeeping } from '../../components/keep-rendered.ts';
import { openSession } from '../../ipc/open-session.ts';
import { sortContacts } from './sort.ts';
import { ContactRow } from './ContactRow.tsx';

const ROW_HEIGHT = 52;

export function ContactList({ query, onError }: { query: string; onError(err: unknown): void }) {
  const contacts = useStore((s) => s.contacts);
  const sorted = useMemo(() => sortContacts(Object.values(contacts), query), [contacts, query]);
  const [activeId, setActiveId] = useState<string | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const activeIndex = Math.max(0, sorted.findIndex((c) => c.id === activeId));
  const virtualizer = useVirtualizer({
    count: sorted.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    getItemKey: (i) => sorted[i]?.id ?? i,
    // The active option stays in the DOM scrolled away: aria-activedescendant must name a node.
    rangeExtractor: rangeKeeping(activeId === null ? null : activeIndex),
  });
  const innerRef = useCssBox<HTMLDivElement>({ height: virtualizer.getTotalSize() });

  const open = useCallback((id: string) => { openSession(id).catch(onError); }, [onError]);
  const pick = useCallback((i: number) => { setActiveId(sorted[i]?.id ?? null); }, [sorted]);
  // Keyboard moves bring the row into view; a re-sort (presence changed) never scrolls the list
  // under someone who is reading it.
  const moveTo = (i: number) => {
    pick(i);
    virtualizer.scrollToIndex(i, { align: 'auto' });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const last = sorted.length - 1;
    if (last < 0) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT) / ROW_HEIGHT) - 1);
    const move: Record<string, number> = {
      ArrowDown: Math.min(last, activeIndex + 1), ArrowUp: Math.max(0, activeIndex - 1),
      Home: 0, End: last, PageDown: Math.min(last, activeIndex + page), PageUp: Math.max(0, activeIndex - page),
    };
    const to = move[e.key];
    if (to !== undefined) {
      e.preventDefault();
      moveTo(to);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const c = sorted[activeIndex];
      if (c) open(c.id);
    }
  };

  const active = sorted[activeIndex];
  return (
    <>
    <div ref={scrollRef} className={sorted.length === 0 ? 'contact-scroll is-empty' : 'contact-scroll'} role="listbox" aria-label="Contacts" tabIndex={sorted.length === 0 ? -1 : 0}
      aria-activedescendant={active && activeId !== null ? `contact-${active.id}` : undefined} onKeyDown={onKeyDown}
      onFocus={() => { if (!activeId && sorted[0]) setActiveId(sorted[0].id); }}>
      <div ref={innerRef} className="contact-inner" role="presentation">
        {virtualizer.getVirtualItems().map((row) => {
          const c = sorted[row.index];
          if (!c) return null;
          return (
            <ContactRow key={c.id} contact={c} optionId={`contact-${c.id}`} index={row.index} total={sorted.length}
              top={row.start} active={row.index === activeIndex && activeId !== null} onPick={pick} onOpen={open} />
          );
        })}
      </div>
    </div>
    {sorted.length === 0 && (query.trim() !== ''
      ? <p className="empty">No contacts match “{query.trim()}”.</p>
      : <div className="empty"><p>No contacts yet.</p><p className="muted">Invite someone you know: they get a link or a QR code that works once.</p></div>)}
    </>
  );
}
