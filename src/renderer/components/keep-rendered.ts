// Virtualised lists render only the rows on screen. A row the person is on (a focused link in the
// message log, the contact list's active option) must stay in the DOM when it scrolls out of
// view: removing it would drop keyboard focus to the page, or leave aria-activedescendant naming
// nothing, and a screen reader would lose the person's place (docs/ARCHITECTURE.md "Renderer").
import { defaultRangeExtractor, type Range } from '@tanstack/react-virtual';

/** The virtualizer's range, plus `keep` (an index, or -1 / null for none) when it is off screen. */
export function rangeKeeping(keep: number | null): (range: Range) => number[] {
  return (range) => {
    const indexes = defaultRangeExtractor(range);
    if (keep === null || keep < 0 || keep >= range.count || indexes.includes(keep)) return indexes;
    return [...indexes, keep].sort((a, b) => a - b);
  };
}
