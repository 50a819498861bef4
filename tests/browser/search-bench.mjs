// Figures for docs/benchmarks.md: what the first search costs a phone with
// the static fallback (no meili.json). In a fresh headless Chromium profile
// each run: open /tim-kiem/, type "dang ky khai sinh", and measure the bytes
// the query fetched (as transferred: gzip, headers included, as serve.mjs
// serves) and the time from the last keystroke to the results on screen
// (150 ms of it the typing debounce). On loopback, and with the network
// throttled to a slow phone connection. Bounded: a few runs, then it stops.
// Usage: node search-bench.mjs <built site dir> <port> [runs] [budget KB] [query]
// (the site built with base_url http://127.0.0.1:<port>); exits non-zero if
// the first query transferred more than the budget.
import { launch, phone } from './chromium.mjs';
import { serve } from './serve.mjs';

const [root, port, runs = '3', budget, query] = process.argv.slice(2);
// (Another query must find the same procedure first: "dang ky khia sinh" shows what a typo costs.)
const QUERY = query || 'dang ky khai sinh';
const EXPECTED = 'Thủ tục đăng ký khai sinh';
const PROFILES = {
  loopback: null,
  // Lighthouse's "slow 4G": 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up.
  'slow 4G': { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 },
};

const { server, url } = await serve(root, Number(port));
const browser = await launch();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (bytes) => (bytes / 1024).toFixed(1) + ' KB';
let worst = 0;

async function once(conditions) {
  const context = await browser.newContext(phone);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  if (conditions) await cdp.send('Network.emulateNetworkConditions', conditions);
  // The search's own requests (its config and index files, some fetched as the page opens), apart
  // from the page's (HTML, CSS, scripts).
  const requests = new Map();
  const pageLoad = new Map();
  cdp.on('Network.requestWillBeSent', (e) => {
    const own = /\/tim-kiem\/(meili\.json|chi-muc\/)/.test(e.request.url);
    (own ? requests : pageLoad).set(e.requestId, { url: e.request.url, bytes: 0 });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = requests.get(e.requestId) || pageLoad.get(e.requestId);
    if (r) r.bytes = e.encodedDataLength;
  });
  await page.goto(url + '/tim-kiem/', { timeout: 60000 });
  await page.evaluate(() => {
    // The last keystroke, and the moment the results are in the document (then painted).
    window.bench = {};
    document.getElementById('q').addEventListener('input', (e) => (window.bench.typed = e.timeStamp), true);
    new MutationObserver(() => {
      if (document.querySelector('#ket-qua li') && !window.bench.shown) {
        requestAnimationFrame(() => (window.bench.shown = performance.now()));
      }
    }).observe(document.getElementById('ket-qua'), { childList: true });
  });
  await page.click('#q');
  await page.keyboard.type(QUERY);
  await page.waitForFunction(() => window.bench.shown, null, { timeout: 60000 });
  const { typed, shown } = await page.evaluate(() => window.bench);
  const first = await page.textContent('#ket-qua li:first-child a');
  // (Synthetic catalogues number their copies: "… (bản thử nghiệm số 41)".)
  if (!first.startsWith(EXPECTED)) throw new Error(`first result "${first}", not "${EXPECTED}"`);
  await page.waitForLoadState('networkidle');
  const fetched = [...requests.values()];
  await context.close();
  const pageBytes = [...pageLoad.values()].reduce((s, r) => s + r.bytes, 0);
  return { ms: shown - typed, bytes: fetched.reduce((s, r) => s + r.bytes, 0), fetched, page: pageBytes };
}

try {
  const docs = (await (await fetch(url + '/tim-kiem/chi-muc/manifest.json')).json()).docs;
  console.log(`first query "${QUERY}" on the fallback index of ${docs} procedures, ${runs} run(s) per network, each in a fresh profile:`);
  for (const [name, conditions] of Object.entries(PROFILES)) {
    const results = [];
    for (let i = 0; i < Number(runs); i++) results.push(await once(conditions));
    const r = results[0];
    const kinds = {};
    for (const f of r.fetched) {
      const kind = f.url.match(/\/(t|d)\/\d+\.json$/)?.[1] ?? f.url.split('/').pop();
      kinds[kind] = kinds[kind] || { n: 0, bytes: 0 };
      kinds[kind].n++;
      kinds[kind].bytes += f.bytes;
    }
    const parts = Object.entries(kinds).map(([k, v]) => `${k === 't' ? 'term chunks' : k === 'd' ? 'document chunks' : k} ${v.n > 1 ? v.n + '× ' : ''}${kb(v.bytes)}`);
    worst = Math.max(worst, ...results.map((x) => x.bytes));
    console.log(`  ${name}: keystroke → results ${results.map((x) => Math.round(x.ms)).join(' / ')} ms (median ${Math.round(median(results.map((x) => x.ms)))}, 150 of it debounce); ` +
      `query transferred ${kb(r.bytes)} in ${r.fetched.length} requests (${parts.join(', ')}); the page itself ${kb(r.page)}`);
  }
} finally {
  await browser.close();
  server.close();
}
if (budget && worst > Number(budget) * 1024) {
  console.error(`the first query transferred ${kb(worst)}, over the ${budget} KB budget`);
  process.exit(1);
}
