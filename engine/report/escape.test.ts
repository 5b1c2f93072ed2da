// The escaping helpers by context: what each must turn into inert text, and what it leaves alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { htmlAttr, htmlText, mdCode, mdText, urlPath } from './escape.js';

test('htmlText: & < > and both quotes become entities; other text is unchanged', () => {
  assert.equal(htmlText(`a & b <script>"x" 'y'</script>`), 'a &amp; b &lt;script&gt;&quot;x&quot; &#39;y&#39;&lt;/script&gt;');
  assert.equal(htmlText('12.5 µs, 1 GB'), '12.5 µs, 1 GB');
  assert.equal(htmlText('&amp;'), '&amp;amp;', 'an entity in the input is shown as written, not decoded');
});

test('htmlAttr: a quote cannot end the attribute, a line break stays inside it', () => {
  const name = 't" onerror="alert(1)" x=".svg';
  assert.equal(htmlAttr(name), 't&quot; onerror=&quot;alert(1)&quot; x=&quot;.svg');
  assert.ok(!htmlAttr(`'a'\nb`).match(/['\n]/));
});

test('urlPath: every segment percent-encoded, so no segment becomes a scheme, query, fragment or a second link', () => {
  assert.equal(urlPath(['..', 'runs', 'a b', 't" x=(1).svg']), '../runs/a%20b/t%22%20x%3D%281%29.svg');
  assert.equal(urlPath(['javascript:alert(1)']), 'javascript%3Aalert%281%29', 'the colon is encoded: a relative path, not a scheme');
  assert.equal(urlPath(["it's*!"]), 'it%27s%2A%21');
  assert.equal(urlPath(['a?b#c/d']), 'a%3Fb%23c%2Fd');
});

test('mdText: no raw HTML, link, emphasis, code or table cell survives; a line break cannot start a block', () => {
  assert.equal(mdText('<img src=x onerror=alert(1)>'), '\\<img src=x onerror=alert(1)\\>');
  assert.equal(mdText('[a](javascript:x) | *b* _c_ `d` &lt; ~e~ \\'), '\\[a\\](javascript:x) \\| \\*b\\* \\_c\\_ \\`d\\` \\&lt; \\~e\\~ \\\\');
  assert.equal(mdText('one\n# two\r\n<script>'), 'one # two \\<script\\>');
  assert.equal(mdText('Fig. 4 (secure / unsecure), 1.5 x'), 'Fig. 4 (secure / unsecure), 1.5 x', 'ordinary text is left readable');
});

test('mdCode: a backtick inside cannot end the span; the span stays on one line', () => {
  assert.equal(mdCode('reports/runs/a'), '`reports/runs/a`');
  assert.equal(mdCode('a`b'), '``a`b``');
  assert.equal(mdCode('`x'), '`` `x ``');
  assert.equal(mdCode('a\nb'), '`a b`');
});
