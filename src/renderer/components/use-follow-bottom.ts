import { useLayoutEffect, useRef, type RefObject } from 'react';

/**
 * A message log that follows new messages while the reader is at the bottom and stays put when
 * they scrolled up to read. Call the returned function from the log's onScroll.
 */
export function useFollowBottom(ref: RefObject<HTMLElement | null>, lastId: string | undefined): () => void {
  const atBottom = useRef(true);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [ref, lastId]);
  return () => {
    const el = ref.current;
    if (el) atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  };
}
