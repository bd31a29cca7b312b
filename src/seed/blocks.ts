/**
 * Seed files hold rich text as a list of plain paragraphs, which is what a reviewer wants to read in a
 * diff; Strapi stores it as blocks. These convert one way; the comparison in import.ts works on blocks.
 */
export interface TextNode {
  type: 'text';
  text: string;
}

export interface ParagraphBlock {
  type: 'paragraph';
  children: TextNode[];
}

export function paragraphsToBlocks(paragraphs: readonly string[]): ParagraphBlock[] {
  return paragraphs.map((text) => ({ type: 'paragraph', children: [{ type: 'text', text }] }));
}
