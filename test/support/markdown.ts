/**
 * Just enough Markdown reading for the documentation tests: the links of a page (outside code) and the anchors
 * its headings get on GitHub and npm (github-slugger's rules).
 */

export interface MarkdownLink {
  line: number;
  target: string;
}

export interface FencedBlock {
  /** The info string after the opening fence, e.g. `ts title="src/main.ts"`. */
  info: string;
  body: string;
  line: number;
}

/** Lines outside fenced code blocks, with their 1-based numbers. */
function proseLines(markdown: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, index) => {
    const opening = /^\s{0,3}(`{3,}|~{3,})/.exec(text)?.[1];
    if (fence) {
      if (opening && opening[0] === fence[0] && opening.length >= fence.length && text.trim() === opening) fence = undefined;
      return;
    }
    if (opening) {
      fence = opening;
      return;
    }
    out.push({ text, line: index + 1 });
  });
  return out;
}

/** Inline and image links `[text](target)` and `<a href>`s outside code blocks and code spans. */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const { text, line } of proseLines(markdown)) {
    const prose = text.replace(/(`+)[^`]*?\1/g, (span) => ' '.repeat(span.length));
    for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ line, target: match[1] });
    for (const match of prose.matchAll(/<a\s[^>]*href="([^"]+)"/g)) links.push({ line, target: match[1] });
  }
  return links;
}

/** A link to a place in this repository (not a URL with a scheme, not `mailto:`). */
export function isRelativeLink(target: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('//');
}

/** The anchors GitHub gives the headings of a page (`## \`remote\` — downstream` → `remote--downstream`), in order. */
export function headingAnchors(markdown: string): string[] {
  const seen = new Map<string, number>();
  const anchors: string[] = [];
  for (const { text } of proseLines(markdown)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const plain = heading
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(plain) ?? 0;
    seen.set(plain, count + 1);
    anchors.push(count === 0 ? plain : `${plain}-${count}`);
  }
  return anchors;
}

/** Fenced code blocks with their info strings. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const opening = /^\s{0,3}(`{3,}|~{3,})(.*)$/.exec(lines[index]);
    if (!opening) continue;
    const [, fence, info] = opening;
    const start = index;
    const body: string[] = [];
    for (index++; index < lines.length; index++) {
      const closing = /^\s{0,3}(`{3,}|~{3,})\s*$/.exec(lines[index]);
      if (closing && closing[1][0] === fence[0] && closing[1].length >= fence.length) break;
      body.push(lines[index]);
    }
    blocks.push({ info: info.trim(), body: body.join('\n') + '\n', line: start + 1 });
  }
  return blocks;
}
