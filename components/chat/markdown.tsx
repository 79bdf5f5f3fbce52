'use client';

import { code } from '@streamdown/code';
import { memo } from 'react';
import { Streamdown } from 'streamdown';

const plugins = { code };

/**
 * Model output as markdown: GFM, highlighted code, and unfinished syntax (an open code fence, half a
 * table) rendered sensibly while it streams. Raw HTML goes through Streamdown's sanitizer and
 * link hardening, so nothing in a reply can run script.
 */
export const Markdown = memo(function Markdown({ text, streaming }: { text: string; streaming: boolean }) {
  return (
    <Streamdown
      plugins={plugins}
      mode={streaming ? 'streaming' : 'static'}
      isAnimating={streaming}
      shikiTheme={['github-light', 'github-dark']}
      className="markdown space-y-3 text-[15px] leading-7"
    >
      {text}
    </Streamdown>
  );
});
