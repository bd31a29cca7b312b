/**
 * Strapi blocks (the rich-text JSON editors write) rendered to HTML and to plain text. The HTML is
 * built from the node tree, never from stored markup: every text is escaped, only known node types
 * render, and links keep only http(s), mailto and tel URLs or site paths, so it is safe to inject.
 */
export type TextNode = {
  type: 'text';
  text: string;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
  strikethrough?: boolean;
  code?: boolean;
};
export type LinkNode = { type: 'link'; url: string; children: InlineNode[] };
export type InlineNode = TextNode | LinkNode;
type Block =
  | { type: 'paragraph'; children: InlineNode[] }
  | { type: 'heading'; level: number; children: InlineNode[] }
  | { type: 'quote'; children: InlineNode[] }
  | { type: 'code'; children: InlineNode[] }
  | { type: 'list'; format: 'ordered' | 'unordered'; children: Array<{ type: 'list-item'; children: InlineNode[] } | Block> }
  | { type: 'list-item'; children: InlineNode[] };

export interface RenderedText {
  html: string;
  text: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

function safeUrl(url: string): string | null {
  const trimmed = url.trim();
  if (/^\/(?!\/)/.test(trimmed)) return trimmed;
  try {
    const parsed = new URL(trimmed);
    return ['http:', 'https:', 'mailto:', 'tel:'].includes(parsed.protocol) ? parsed.toString() : null;
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function children(node: Record<string, unknown>): unknown[] {
  return Array.isArray(node.children) ? node.children : [];
}

function inlineHtml(nodes: unknown[], transform: (text: string) => string): string {
  return nodes
    .map((node) => {
      if (!isObject(node)) return '';
      if (node.type === 'text' && typeof node.text === 'string') {
        let html = escapeHtml(transform(node.text));
        if (node.code) html = `<code>${html}</code>`;
        if (node.bold) html = `<strong>${html}</strong>`;
        if (node.italic) html = `<em>${html}</em>`;
        if (node.underline) html = `<u>${html}</u>`;
        if (node.strikethrough) html = `<s>${html}</s>`;
        return html;
      }
      if (node.type === 'link' && typeof node.url === 'string') {
        const inner = inlineHtml(children(node), transform);
        const url = safeUrl(transform(node.url));
        return url === null ? inner : `<a href="${escapeHtml(url)}">${inner}</a>`;
      }
      return '';
    })
    .join('');
}

function inlineText(nodes: unknown[], transform: (text: string) => string): string {
  return nodes
    .map((node) => {
      if (!isObject(node)) return '';
      if (node.type === 'text' && typeof node.text === 'string') return transform(node.text);
      if (node.type === 'link') return inlineText(children(node), transform);
      return '';
    })
    .join('');
}

function blockHtml(node: unknown, transform: (text: string) => string): string {
  if (!isObject(node)) return '';
  const inner = () => inlineHtml(children(node), transform);
  switch (node.type) {
    case 'paragraph':
      return `<p>${inner()}</p>`;
    case 'heading': {
      const level = typeof node.level === 'number' && node.level >= 1 && node.level <= 6 ? node.level : 2;
      return `<h${level}>${inner()}</h${level}>`;
    }
    case 'quote':
      return `<blockquote>${inner()}</blockquote>`;
    case 'code':
      return `<pre><code>${inner()}</code></pre>`;
    case 'list': {
      const tag = node.format === 'ordered' ? 'ol' : 'ul';
      return `<${tag}>${children(node).map((item) => blockHtml(item, transform)).join('')}</${tag}>`;
    }
    case 'list-item':
      return `<li>${inner()}</li>`;
    default:
      return '';
  }
}

function blockText(node: unknown, transform: (text: string) => string): string {
  if (!isObject(node)) return '';
  if (node.type === 'list') return children(node).map((item) => `- ${blockText(item, transform)}`).join('\n');
  return inlineText(children(node), transform);
}

/** `transform` is applied to every text and URL first (it renders clinic tokens). */
export function renderBlocks(blocks: unknown, transform: (text: string) => string = (text) => text): RenderedText {
  const list = Array.isArray(blocks) ? (blocks as Block[]) : [];
  return {
    html: list.map((block) => blockHtml(block, transform)).join(''),
    text: list
      .map((block) => blockText(block, transform))
      .filter((text) => text !== '')
      .join('\n\n'),
  };
}
