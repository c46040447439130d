import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, safeHref } from '../../../renderer/src/components/exercises/markdown';
import { checkSummary, testHeading } from '../../../renderer/src/components/exercises/words';

describe("an exercise statement's Markdown", () => {
  it('reads headings, paragraphs, lists and fenced code', () => {
    const blocks = parseMarkdown('# Sum\n\nRead **two** numbers\nand print `a + b`.\n\n- one\n- two\n\n1. first\n\n```c\nint x;\n```\n');
    expect(blocks.map((b) => b.type)).toEqual(['heading', 'paragraph', 'list', 'list', 'code']);
    expect(blocks[1]).toEqual({
      type: 'paragraph',
      text: [
        { t: 'text', v: 'Read ' },
        { t: 'strong', v: 'two' },
        { t: 'text', v: ' numbers and print ' },
        { t: 'code', v: 'a + b' },
        { t: 'text', v: '.' },
      ],
    });
    expect(blocks[4]).toEqual({ type: 'code', text: 'int x;' });
  });

  it('keeps HTML as text and follows only http(s) links', () => {
    const [p] = parseMarkdown(
      '<img src=x onerror=alert(1)> <script>alert(1)</script> [x](javascript:alert(1)) [d](data:text/html,hi) [ok](https://example.org/a)',
    );
    expect(p!.type).toBe('paragraph');
    const inline = (p as { text: ReturnType<typeof parseInline> }).text;
    expect(
      inline
        .filter((i) => i.t === 'text')
        .map((i) => (i as { v: string }).v)
        .join(''),
    ).toContain('<script>alert(1)</script>');
    expect(inline.filter((i) => i.t === 'link')).toEqual([
      { t: 'link', text: 'x', href: null },
      { t: 'link', text: 'd', href: null },
      { t: 'link', text: 'ok', href: 'https://example.org/a' },
    ]);
    expect(safeHref('/relative')).toBeNull();
    expect(safeHref('file:///etc/passwd')).toBeNull();
  });

  it('an unclosed fence or emphasis does not throw or swallow the rest', () => {
    expect(parseMarkdown('```\ncode').at(-1)).toEqual({ type: 'code', text: 'code' });
    expect(parseInline('a * b ** c _')).toEqual([{ t: 'text', v: 'a * b ** c _' }]);
    expect(parseMarkdown('x'.repeat(100_000))[0]!.type).toBe('paragraph');
  });
});

describe("a check's words", () => {
  it('a hidden test by its number and verdict only', () => {
    expect(testHeading({ number: 3, hidden: true, name: null, verdict: 'wrong-answer', ran: true })).toBe('Test 3 (hidden): wrong answer');
    expect(testHeading({ number: 1, hidden: false, name: 'Ada', verdict: 'accepted', ran: true })).toBe('Test 1 · Ada: passed');
    expect(testHeading({ number: 2, hidden: false, name: 'test 2', verdict: 'compile-error', ran: false })).toBe(
      'Test 2: not run (the program did not compile)',
    );
    const t = { passed: true } as never;
    expect(checkSummary({ passed: false, points: 1, maxPoints: 3, tests: [t, { passed: false } as never] })).toBe('1 of 2 tests passed: 1 of 3 points.');
  });
});
