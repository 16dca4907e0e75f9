// Sizes and offsets computed at run time (virtual list rows) are set through the CSSOM from an
// effect. A strict CSP (style-src 'self', no 'unsafe-inline') forbids style attributes in markup;
// keeping every style in CSS files and only these measured numbers in element.style keeps the
// rule simple to check: no `style=` anywhere in the renderer.
import { useLayoutEffect, useRef } from 'react';

export function useCssBox<T extends HTMLElement>(box: { height?: number; translateY?: number }) {
  const ref = useRef<T>(null);
  const { height, translateY } = box;
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (height !== undefined) el.style.height = `${height}px`;
    if (translateY !== undefined) el.style.transform = `translateY(${translateY}px)`;
  }, [height, translateY]);
  return ref;
}
