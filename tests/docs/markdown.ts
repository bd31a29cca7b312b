/**
 * Reads the project's Markdown the way GitHub shows it, for the documented-command test: fenced blocks
 * with their info string and line, the text outside code (for links), heading anchors, and the
 * commands named anywhere in a file.
 */

export interface FencedBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string after the fence, e.g. "sh runnable". */
  info: string;
  /** The block's lines, without the fence's own indentation. */
  text: string;
}

const FENCE = /^( *)(`{3,}|~{3,})(.*)$/;

/** Every fenced block, in document order; a fence inside a longer fence is content, not a block. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = markdown.split('\n');
  let open: { line: number; indent: number; fence: string; info: string; body: string[] } | null = null;
  lines.forEach((line, index) => {
    const match = FENCE.exec(line);
    if (open === null) {
      if (match?.[1] !== undefined && match[2] !== undefined) {
        open = { line: index + 1, indent: match[1].length, fence: match[2], info: (match[3] ?? '').trim(), body: [] };
      }
      return;
    }
    const closes = match?.[2] !== undefined && match[2][0] === open.fence[0] && match[2].length >= open.fence.length && (match[3] ?? '').trim() === '';
    if (closes) {
      blocks.push({ line: open.line, info: open.info, text: open.body.join('\n') });
      open = null;
      return;
    }
    const indent = /^ */.exec(line)?.[0].length ?? 0;
    open.body.push(line.slice(Math.min(indent, open.indent)));
  });
  return blocks;
}

/** The lines outside fenced blocks. */
function outsideFences(markdown: string): string {
  const lines = markdown.split('\n');
  const kept: string[] = [];
  let fence: string | null = null;
  for (const line of lines) {
    const match = FENCE.exec(line);
    if (fence === null && match?.[2] !== undefined) {
      fence = match[2];
      continue;
    }
    if (fence !== null) {
      if (match?.[2] !== undefined && match[2][0] === fence[0] && match[2].length >= fence.length && (match[3] ?? '').trim() === '') fence = null;
      continue;
    }
    kept.push(line);
  }
  return kept.join('\n');
}

/** The text outside fenced blocks and inline code: where links are links. */
export function prose(markdown: string): string {
  return outsideFences(markdown).replace(/(`+)[\s\S]*?\1/g, '');
}

/** The targets of `[text](target)` and `![alt](target)` links outside code. */
export function linkTargets(markdown: string): string[] {
  return [...prose(markdown).matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1] as string);
}

/** GitHub's anchors for the file's headings: lowercase, punctuation dropped, spaces as hyphens, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of outsideFences(markdown).split('\n')) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = heading
      .replace(/`/g, '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** The npm scripts a file names: `npm run <name>` (also with -s/--silent), `npm start`, `npm test`. */
export function namedNpmScripts(markdown: string): string[] {
  const names = [...markdown.matchAll(/\bnpm run(?:\s+(?:-s|--silent))?\s+([A-Za-z0-9][\w:.-]*)/g)].map((match) => match[1] as string);
  const lifecycle = [...markdown.matchAll(/\bnpm (start|test)\b/g)].map((match) => match[1] as string);
  return [...new Set([...names, ...lifecycle])];
}

/** The files a file's commands name: `bash <path>` and the path arguments of `npx <bin> …`, with the npx binaries. */
export function namedPaths(markdown: string): { bins: string[]; paths: string[] } {
  const bins = new Set<string>();
  const paths = new Set<string>();
  for (const match of markdown.matchAll(/\bnpx[ \t]+([^\s`'"|;&)]+)([^\n`|;&)#]*)/g)) {
    bins.add(match[1] as string);
    for (const argument of (match[2] ?? '').trim().split(/[ \t]+/)) {
      if (argument.includes('/') && !argument.startsWith('-') && !argument.includes('=')) paths.add(argument);
    }
  }
  for (const match of markdown.matchAll(/\bbash[ \t]+([^\s`'"|;&)]+)/g)) {
    if (!(match[1] as string).startsWith('-')) paths.add(match[1] as string);
  }
  return { bins: [...bins], paths: [...paths] };
}
