// Procedure search on a 375-px phone, served with a meili.json whose
// Meilisearch does not answer (a closed port): the search falls back to the
// static index without the citizen seeing anything go wrong. From the
// header box to results; results as the citizen types, the address kept in
// step (shareable, filters included); touch targets. Then a stand-in
// Meilisearch: what the page asks it (the Telex-carrying query, filters,
// facets, a retry with another matching strategy), and the switch to the
// fallback once it errs or is too slow. Then, with JavaScript off, the forms
// go to the API's results page with its field names. Screenshots in
// <screenshot dir>.
// Usage: node search.mjs <built site dir with tim-kiem/meili.json> <port> <screenshot dir>
// (the site built with base_url http://127.0.0.1:<port>, so that its scripts load).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { launch, phone } from './chromium.mjs';
import { serve } from './serve.mjs';

const [root, port, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const meili = JSON.parse(readFileSync(join(root, 'tim-kiem/meili.json'), 'utf8'));
const { server, url } = await serve(root, Number(port));
const browser = await launch();
let step = 0;
const FILTERS = ['linh-vuc', 'co-quan', 'cap', 'doi-tuong', 'muc-do'];

try {
  const page = await (await browser.newContext(phone)).newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const askedMeili = [];
  page.on('requestfailed', (r) => r.url().startsWith(meili.url) && askedMeili.push(r.url()));
  const shot = async (name) => page.screenshot({ path: join(shots, `${String(++step).padStart(2, '0')}-${name}.png`), fullPage: true });
  const firstResult = () => page.textContent('#ket-qua li:first-child a');

  // The header box, from the home page.
  await page.goto(url + '/');
  await page.click('#tim-nhanh');
  await page.keyboard.type('dang ky khai sinh');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/tim-kiem\/\?q=dang\+ky\+khai\+sinh$/);
  await page.waitForSelector('#ket-qua li');
  assert.equal(await firstResult(), 'Thủ tục đăng ký khai sinh');
  assert.match(await page.textContent('#so-ket-qua'), /^Tìm thấy \d+ thủ tục .*“dang ky khai sinh”/);
  assert.ok(askedMeili.length > 0, 'Meilisearch was asked first');
  assert.equal(await page.isVisible('[role=alert]'), false, 'no error shown');
  assert.doesNotMatch(await page.textContent('main'), /lỗi|Chưa tìm được/i);
  await shot('ket-qua');

  // Results follow the typing, in place; the address follows (replaced, not pushed).
  const depth = await page.evaluate(() => history.length);
  await page.fill('#q', '');
  await page.click('#q');
  await page.keyboard.type('đăng ký kết h', { delay: 40 });
  await page.waitForFunction(() => document.querySelector('#ket-qua li a')?.textContent.includes('kết hôn'));
  assert.equal(new URL(page.url()).searchParams.get('q'), 'đăng ký kết h');
  assert.equal(await page.evaluate(() => history.length), depth);
  await shot('khi-go');

  // A filter narrows the results and goes into the address, which opens the same search.
  const before = await page.textContent('#so-ket-qua');
  await page.click('#tim-kiem summary');
  await page.selectOption('#loc-cap', 'Cấp tỉnh');
  await page.waitForFunction((b) => document.querySelector('#so-ket-qua').textContent !== b, before);
  const shared = page.url();
  assert.equal(new URL(shared).searchParams.get('cap'), 'Cấp tỉnh');
  await page.goto(shared);
  await page.waitForSelector('#ket-qua li');
  assert.equal(await page.inputValue('#q'), 'đăng ký kết h');
  assert.equal(await page.inputValue('#loc-cap'), 'Cấp tỉnh');
  assert.equal(await page.getAttribute('#tim-kiem details', 'open'), '');
  await shot('bo-loc');

  // Touch targets of 44 px at least.
  for (const selector of ['#tim-nhanh', '.header-search button', '#q', '#tim-kiem button[type=submit]', '#tim-kiem summary', '#loc-cap']) {
    const box = await page.locator(selector).first().boundingBox();
    assert.ok(box.height >= 44 && box.width >= 44, `${selector}: ${box.width}×${box.height} px`);
  }
  assert.deepEqual(errors, [], 'no page error');
  console.log(`search: Meilisearch unreachable (${askedMeili.length} failed requests), the fallback answered; results as typed, address kept, filters shared`);

  // A stand-in Meilisearch: answers, answers nothing until asked by frequency, fails, is too slow.
  const asked = [];
  let behaviour = 'answer';
  const stand = createServer((request, response) => {
    const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'authorization, content-type' };
    if (request.method === 'OPTIONS') return response.writeHead(204, cors).end();
    let body = '';
    request.on('data', (c) => (body += c));
    request.on('end', () => {
      const sent = JSON.parse(body);
      asked.push({ path: request.url, auth: request.headers.authorization, ...sent });
      const hit = { id: '1-001193', code: '1.001193', name: 'Từ Meilisearch: đăng ký khai sinh', url: '/thu-tuc/1-001193/',
        fields: ['Hộ tịch'], agencies: ['Ủy ban nhân dân cấp xã'], levels: ['Cấp xã'], online: ['Trực tuyến một phần'] };
      const answer = (hits) => response.writeHead(200, { ...cors, 'Content-Type': 'application/json' })
        .end(JSON.stringify({ hits, estimatedTotalHits: hits.length, facetDistribution: { levels: { 'Cấp xã': hits.length } } }));
      if (behaviour === 'answer') answer([hit]);
      else if (behaviour === 'retry') answer(sent.matchingStrategy === 'frequency' ? [hit] : []);
      else if (behaviour === 'fail') response.writeHead(503, cors).end();
      else setTimeout(() => answer([hit]), 4000);
    });
  });
  await new Promise((resolve) => stand.listen(0, '127.0.0.1', resolve));
  const standUrl = `http://127.0.0.1:${stand.address().port}`;
  try {
    const live = await (await browser.newContext(phone)).newPage();
    live.on('pageerror', (e) => errors.push(e.message));
    await live.route('**/tim-kiem/meili.json', (route) => route.fulfill({ json: { url: standUrl, index: 'thu-tuc', key: 'khoa-tim-kiem' } }));
    await live.goto(url + '/tim-kiem/?q=' + encodeURIComponent('đăng ký khai sinh') + '&cap=' + encodeURIComponent('Cấp xã'));
    await live.waitForSelector('#ket-qua li');
    assert.equal(await live.textContent('#ket-qua li a'), 'Từ Meilisearch: đăng ký khai sinh');
    assert.deepEqual(asked.at(-1), {
      path: '/indexes/thu-tuc/search', auth: 'Bearer khoa-tim-kiem', q: 'đăng ký khai sinh ddawng kys', limit: 20,
      filter: ['levels = "Cấp xã"'], facets: ['fields', 'agencies', 'levels', 'audiences', 'online'], matchingStrategy: 'last',
      locales: ['vie'],
    });
    behaviour = 'retry';
    await live.fill('#q', 'dnag ky khai sinh');
    await live.waitForFunction(() => document.querySelector('#so-ket-qua').textContent.includes('dnag'));
    assert.deepEqual(asked.slice(-2).map((a) => [a.q, a.matchingStrategy]), [['dnag ky khai sinh', 'last'], ['dnag ky khai sinh', 'frequency']]);
    assert.equal(await live.textContent('#ket-qua li a'), 'Từ Meilisearch: đăng ký khai sinh');
    // Too slow: after 1.5 s the fallback answers, and is asked from then on.
    behaviour = 'slow';
    const started = Date.now();
    await live.fill('#q', 'dang ky ket hon');
    await live.waitForFunction(() => document.querySelector('#ket-qua li a')?.textContent === 'Thủ tục đăng ký kết hôn');
    const waited = Date.now() - started;
    assert.ok(waited < 3500, `the fallback answered after ${waited} ms`);
    const before = asked.length;
    behaviour = 'answer';
    await live.fill('#q', 'dang ky khai tu');
    await live.waitForFunction(() => document.querySelector('#ket-qua li a')?.textContent.includes('khai tử'));
    assert.equal(asked.length, before, 'Meilisearch is not asked again once the fallback took over');
    assert.equal(await live.isVisible('[role=alert]'), false);
    // An error switches as well.
    const failing = await (await browser.newContext(phone)).newPage();
    failing.on('pageerror', (e) => errors.push(e.message));
    await failing.route('**/tim-kiem/meili.json', (route) => route.fulfill({ json: { url: standUrl, index: 'thu-tuc', key: null } }));
    behaviour = 'fail';
    await failing.goto(url + '/tim-kiem/?q=dang+ky+khai+sinh');
    await failing.waitForSelector('#ket-qua li');
    assert.equal(await failing.textContent('#ket-qua li a'), 'Thủ tục đăng ký khai sinh');
    assert.equal(asked.at(-1).auth, undefined, 'no key, no Authorization');
    assert.deepEqual(errors, [], 'no page error');
    console.log(`search with Meilisearch: asked as specified (${asked.length} requests), retried by frequency, fell back after an error and after ${waited} ms of silence`);
  } finally {
    stand.close();
  }

  // Without JavaScript: every search form goes to the API's results page.
  const plain = await (await browser.newContext({ ...phone, javaScriptEnabled: false })).newPage();
  for (const path of ['/', '/tim-kiem/', '/thu-tuc/1-001193/']) {
    await plain.goto(url + path);
    const forms = await plain.$$eval('form[role=search]', (all) => all.map((f) => ({
      action: f.action, method: f.method, fields: [...f.elements].filter((e) => e.name).map((e) => e.name),
    })));
    assert.ok(forms.length >= 1, `${path}: a search form`);
    for (const f of forms) {
      assert.equal(f.action, url + '/api/tim-kiem', `${path}: action`);
      assert.equal(f.method, 'get');
      assert.equal(f.fields[0], 'q');
    }
    if (path === '/tim-kiem/') assert.deepEqual(forms.find((f) => f.fields.length > 1).fields, ['q', ...FILTERS]);
  }
  const sent = [];
  await plain.route('**/api/tim-kiem?*', (route) => {
    sent.push(new URL(route.request().url()));
    route.fulfill({ contentType: 'text/html; charset=utf-8', body: '<!DOCTYPE html><title>API</title><h1>Kết quả tìm kiếm</h1>' });
  });
  await plain.goto(url + '/tim-kiem/');
  await plain.fill('#q', 'dang ky khai sinh');
  await plain.click('#tim-kiem summary');
  await plain.selectOption('#loc-linh-vuc', 'Hộ tịch');
  await plain.click('#tim-kiem .row button');
  await plain.waitForURL(/\/api\/tim-kiem\?/);
  const query = sent.at(-1).searchParams;
  assert.equal(query.get('q'), 'dang ky khai sinh');
  assert.equal(query.get('linh-vuc'), 'Hộ tịch');
  assert.deepEqual([...query.keys()], ['q', ...FILTERS]);
  console.log('search without JavaScript: the forms send q and the filters to /api/tim-kiem');
} finally {
  await browser.close();
  server.close();
}
