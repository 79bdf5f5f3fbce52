/**
 * LaTeX in replies: `$…$` inline and `$$…$$` on its own. KaTeX and its stylesheet are large, so this
 * module is loaded on demand (components/chat/markdown.tsx) only once a reply contains a dollar sign.
 */
import 'katex/dist/katex.min.css';
import { createMathPlugin } from '@streamdown/math';

export const math = createMathPlugin({ singleDollarTextMath: true });
