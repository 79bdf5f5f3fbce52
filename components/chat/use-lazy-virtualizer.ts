'use client';

import type { Virtualizer, VirtualizerOptions } from '@tanstack/virtual-core';
import { useCallback, useEffect, useLayoutEffect, useReducer, useRef, useState } from 'react';
import { flushSync } from 'react-dom';

type Core = typeof import('@tanstack/virtual-core');
type TurnVirtualizer = Virtualizer<HTMLDivElement, HTMLDivElement>;
type Options = Omit<VirtualizerOptions<HTMLDivElement, HTMLDivElement>, 'observeElementRect' | 'scrollToFn' | 'onChange' | 'observeElementOffset'> & {
  /** Wraps the core's scroll-offset observer (it is passed in once the core has loaded). */
  observeElementOffset(
    instance: TurnVirtualizer,
    report: (offset: number, isScrolling: boolean) => void,
    observe: Core['observeElementOffset'],
  ): void | (() => void);
};

/** Kept for the page's life: a conversation opened later needs no second fetch. */
let loadedCore: Core | null = null;

/**
 * TanStack Virtual's core, driven the way its React adapter (`@tanstack/react-virtual`) drives it,
 * but fetched only once `wanted`. The adapter imports the core statically, which would add ~11 KB
 * gzipped to the first load of every page for the few conversations long enough to need it; and a
 * lazily loaded component instead would leave a long chat's server HTML waiting for that script to
 * hydrate. Until the core is there this returns null, and the list renders every turn.
 *
 * The virtualizer never moves the view here (`scrollToFn` does nothing): the list uses it only to
 * pick the turns to render.
 */
export function useLazyVirtualizer(wanted: boolean, options: Options) {
  const [core, setCore] = useState<Core | null>(loadedCore);
  useEffect(() => {
    if (!wanted || core) return;
    let live = true;
    void import('@tanstack/virtual-core').then((m) => {
      loadedCore = m;
      if (live) setCore(m);
    });
    return () => {
      live = false;
    };
  }, [wanted, core]);

  const [, rerender] = useReducer((n: number) => n + 1, 0);
  // A measurement taken in a ref callback happens inside React's commit, where flushSync is not allowed.
  const measuringFromRef = useRef(false);
  const instance = useRef<TurnVirtualizer | null>(null);
  const { observeElementOffset, ...rest } = options;
  if (core) {
    const resolved: VirtualizerOptions<HTMLDivElement, HTMLDivElement> = {
      ...rest,
      observeElementRect: core.observeElementRect,
      observeElementOffset: (v, report) => observeElementOffset(v, report, core.observeElementOffset),
      scrollToFn: () => undefined,
      // A scroll renders the turns now in view before the frame is painted, as the adapter does.
      onChange: (_, sync) => (sync && !measuringFromRef.current ? flushSync(rerender) : rerender()),
    };
    instance.current ??= new core.Virtualizer(resolved);
    instance.current.setOptions(resolved);
    // Its own corrections would fight the browser's scroll anchoring and the pin to the bottom.
    instance.current.shouldAdjustScrollPositionOnItemSizeChange = () => false;
  }
  const virtualizer = instance.current;

  useLayoutEffect(() => virtualizer?._didMount(), [virtualizer]);
  useLayoutEffect(() => {
    virtualizer?._willUpdate();
  });

  /** For each turn element's ref. */
  const measureElement = useCallback((node: HTMLDivElement | null) => {
    if (!instance.current) return;
    measuringFromRef.current = true;
    try {
      instance.current.measureElement(node);
    } finally {
      measuringFromRef.current = false;
    }
  }, []);

  return { virtualizer, measureElement };
}
