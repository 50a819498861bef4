// The browser's fallback search ranks like the Rust one (search::fallback):
// for every query of `search-index relevance` (the Rust's top 5 codes), the
// engine of site/static/js/search.js, run in Chromium on the built site
// (no meili.json, so nothing but the fallback), must return the same codes
// in the same order. Fails listing every mismatch.
// Usage: node search-parity.mjs <built site dir> <port> <relevance.json>
// (the site built with base_url http://127.0.0.1:<port>).
import { readFileSync } from 'node:fs';
import { launch, phone } from './chromium.mjs';
import { serve } from './serve.mjs';

const [root, port, relevance] = process.argv.slice(2);
const cases = JSON.parse(readFileSync(relevance, 'utf8'));
const { server, url } = await serve(root, Number(port));
const browser = await launch();
let failures = 0;
try {
  const page = await (await browser.newContext(phone)).newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url + '/tim-kiem/');
  // As the page asks (20 results, typo candidates fetched only when they could change them), for
  // the top 5 only, and reading every candidate as the Rust does.
  const modes = { 'page': { limit: 20 }, 'top 5': { limit: 5 }, 'every candidate': { limit: 5, lazy: false } };
  const got = await page.evaluate(async ([queries, modes]) => {
    const { Fallback } = await import('/js/search.js');
    const out = {};
    for (const [mode, options] of Object.entries(modes)) {
      const engine = new Fallback();
      out[mode] = [];
      for (const q of queries) out[mode].push((await engine.search(q, {}, options)).hits.slice(0, 5).map((h) => h.code));
    }
    return out;
  }, [cases.map((c) => c.q), modes]);
  // The folding, Telex and chunk hashing underneath, against search::fold's and
  // search_index::settings' own test cases, and every term of every chunk file.
  const details = await page.evaluate(async () => {
    const { fold, word, words, telex, browserQuery, chunkOf } = await import('/js/search.js');
    const wrong = [];
    const check = (what, got, want) => got !== want && wrong.push(`${what}: ${got} (want ${want})`);
    check('fold', fold('Giấy chứng nhận quyền sử dụng đất'), 'giay chung nhan quyen su dung dat');
    check('decomposed', word('ky\u0301').exact, word('ký').exact);
    for (const [a, b] of [['ký', 'kí'], ['lý', 'lí'], ['quý', 'quí'], ['Mỹ', 'mĩ']]) check(`one spelling ${a}`, word(a).folded, word(b).folded);
    for (const kept of ['thủy', 'huy', 'y', 'yêu', 'tuyến', 'ay']) check(`kept ${kept}`, word(kept).folded, fold(kept));
    check('words', words('Cấp Giấy phép xây dựng (cấp III, cấp IV)/nhà ở-riêng lẻ').map((w) => w.folded).join(' '),
      'cap giay phep xay dung cap iii cap iv nha o rieng le');
    for (const [w, t] of [['đăng', 'ddawng'], ['ký', 'kys'], ['khai', 'khai'], ['giấy', 'giaays'], ['quyền', 'quyeenf'], ['sử', 'suwr'],
      ['đất', 'ddaats'], ['mã', 'max'], ['mà', 'maf'], ['hộ', 'hooj'], ['ở', 'owr']]) check(`telex ${w}`, telex(word(w)), t);
    check('browser query', browserQuery('đăng ký khai sinh'), 'đăng ký khai sinh ddawng kys');
    check('browser query', browserQuery(' dang ky khai sinh '), 'dang ky khai sinh');
    const manifest = await (await fetch('/tim-kiem/chi-muc/manifest.json')).json();
    let terms = 0;
    for (let n = 0; n < manifest.chunks; n++) {
      const chunk = await (await fetch(`/tim-kiem/chi-muc/${manifest.root}/t/${n}.json`)).json();
      for (const term of Object.keys(chunk)) {
        terms++;
        if (chunkOf(term, manifest.chunks) !== n) wrong.push(`chunk of "${term}": ${chunkOf(term, manifest.chunks)} (in ${n})`);
      }
    }
    return { wrong, terms };
  });
  for (const w of details.wrong) console.error(w);
  failures += details.wrong.length;
  console.log(`search folding and chunks: ${details.terms} terms hash to the chunk they are in${details.wrong.length ? '' : ', Telex and folding as in Rust'}`);
  const mismatched = new Set();
  for (const mode of Object.keys(modes)) {
    for (const [i, c] of cases.entries()) {
      const browser = got[mode][i];
      if (c.got.join(' ') === browser.join(' ')) continue;
      mismatched.add(c.q);
      console.error(`"${c.q}" (${c.kind}, ${mode}): Rust ${c.got.join(', ') || '—'} / browser ${browser.join(', ') || '—'}`);
    }
  }
  console.log(`search parity: ${cases.length - mismatched.size} of ${cases.length} queries rank alike in the browser`);
  for (const e of errors) console.error(`page error: ${e}`);
  failures += mismatched.size + errors.length;
} finally {
  await browser.close();
  server.close();
}
if (failures) process.exit(1);
