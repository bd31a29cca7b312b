import { renderBlocks } from '../../src/rich-text/blocks';

const paragraph = (...children: object[]) => ({ type: 'paragraph', children });
const text = (value: string, marks: object = {}) => ({ type: 'text', text: value, ...marks });

describe('rich text', () => {
  it('renders paragraphs, headings, lists and marks as HTML and as plain text', () => {
    const rendered = renderBlocks([
      { type: 'heading', level: 2, children: [text('How it works')] },
      paragraph(text('Gentle '), text('pressure', { bold: true }), text(' on '), text('trigger points', { italic: true })),
      { type: 'list', format: 'ordered', children: [{ type: 'list-item', children: [text('Assess')] }, { type: 'list-item', children: [text('Release')] }] },
    ]);
    expect(rendered.html).toBe(
      '<h2>How it works</h2><p>Gentle <strong>pressure</strong> on <em>trigger points</em></p><ol><li>Assess</li><li>Release</li></ol>',
    );
    expect(rendered.text).toBe('How it works\n\nGentle pressure on trigger points\n\n- Assess\n- Release');
  });

  it('escapes text, so markup typed by an editor is shown, not run', () => {
    expect(renderBlocks([paragraph(text('<script>alert("x")</script> & more'))]).html).toBe(
      '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more</p>',
    );
  });

  it('keeps safe links and drops javascript: URLs, keeping their text', () => {
    const html = renderBlocks([
      paragraph(
        { type: 'link', url: 'https://clinic.example/book?a=1&b=2', children: [text('Book')] },
        text(' or '),
        { type: 'link', url: 'javascript:alert(1)', children: [text('this')] },
        text(' or '),
        { type: 'link', url: '/contact', children: [text('contact us')] },
      ),
    ]).html;
    expect(html).toBe('<p><a href="https://clinic.example/book?a=1&amp;b=2">Book</a> or this or <a href="/contact">contact us</a></p>');
  });

  it('renders clinic tokens through the transform, in text and in link URLs', () => {
    const rendered = renderBlocks(
      [paragraph(text('Call {{clinic.name}}'), { type: 'link', url: '{{clinic.bookingUrl}}', children: [text('book')] })],
      (value) => value.replace('{{clinic.name}}', 'Northside').replace('{{clinic.bookingUrl}}', 'https://northside.example/book'),
    );
    expect(rendered.html).toBe('<p>Call Northside<a href="https://northside.example/book">book</a></p>');
  });

  it('ignores node types it does not know instead of passing them through', () => {
    expect(renderBlocks([{ type: 'html', value: '<iframe src="x">' }, paragraph(text('kept'))])).toEqual({ html: '<p>kept</p>', text: 'kept' });
  });
});
