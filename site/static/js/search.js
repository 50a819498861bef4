// Procedure search. Meilisearch answers when the deployment has one
// (`/tim-kiem/meili.json`); otherwise, or the first time it fails, the
// static fallback index answers for the rest of the page's life, without
// the citizen noticing. The fallback is a port of `search::fallback` and
// `search::fold` (functions/search): the browser tests check that both
// rank the relevance queries alike, so change them together.
// Without JavaScript the same form goes to the API's results page.
// Under the procedures, the published questions and answers with the query's
// words ("Hỏi đáp", from /hoi-dap/chi-muc.json, written by `publish`).

const ROOT = new URL('../tim-kiem/', import.meta.url);
const LIMIT = 20;
/** The index format this port reads (search::fallback::FORMAT). */
const FORMAT = 1;
const TIMEOUT_MS = 1500;
/** Each filter: the form's field (the API's), Meilisearch's attribute, its place in facets.json. */
export const FACETS = [
  { param: 'linh-vuc', attribute: 'fields', kind: 0 },
  { param: 'co-quan', attribute: 'agencies', kind: 1 },
  { param: 'cap', attribute: 'levels', kind: 2 },
  { param: 'doi-tuong', attribute: 'audiences', kind: 4 },
  { param: 'muc-do', attribute: 'online', kind: 3 },
];

// ---- Folding (search::fold) ----

const MARK = /\p{M}/u;
const SEPARATOR = /[^\p{Alphabetic}\p{N}\p{M}]/u;
const SPACE_AT_END = /\p{White_Space}$/u;
const trim = (text) => text.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, '');
// Character by character, as Rust's char::to_lowercase (no final-sigma rule).
const lower = (text) => Array.from(text, (c) => c.toLowerCase()).join('');

/** Lower case, marks removed, đ → d. */
export function fold(text) {
  let out = '';
  for (const c of text.normalize('NFD')) {
    if (!MARK.test(c)) out += c.toLowerCase().replaceAll('đ', 'd');
  }
  return out;
}

/** "ký" and "kí" are one word: a final y after consonants folds to i ("thủy" keeps its y). */
export function oneSpelling(folded) {
  const onset = folded.replace(/y+$/, '');
  const singleY = folded.length === onset.length + 1;
  if (singleY && onset && (/^[bcdghklmnprstvx]+$/.test(onset) || onset === 'qu')) return onset + 'i';
  return folded;
}

export function word(raw) {
  const exact = lower(raw.normalize('NFC'));
  return { exact, folded: oneSpelling(fold(exact)) };
}

export const isMarked = (w) => w.exact !== fold(w.exact);

export const words = (text) => text.split(SEPARATOR).filter(Boolean).map(word);

/** A word's marks in Telex ("đăng" → "ddawng"), which Meilisearch's own folding leaves alone. */
export function telex(w) {
  if (!isMarked(w)) return w.folded;
  const out = [];
  let tone = '';
  for (const c of w.exact.normalize('NFD')) {
    if (c === '\u0302') {
      if (out.length) out.push(out[out.length - 1]);
    } else if (c === '\u0306' || c === '\u031B') out.push('w');
    else if (c === '\u0301') tone = 's';
    else if (c === '\u0300') tone = 'f';
    else if (c === '\u0309') tone = 'r';
    else if (c === '\u0303') tone = 'x';
    else if (c === '\u0323') tone = 'j';
    else if (c === 'đ') out.push('d', 'd');
    else if (!MARK.test(c)) out.push(c);
  }
  return out.join('') + tone;
}

/** What Meilisearch is asked (search_index::settings::browser_query). */
export function browserQuery(query) {
  const marks = words(query).filter(isMarked).map(telex);
  return marks.length ? `${trim(query)} ${marks.join(' ')}` : trim(query);
}

// ---- The fallback index (search::fallback) ----

const utf8 = new TextEncoder();

/** The term chunk of a term: FNV-1a (32 bits) of its first word, folded. */
export function chunkOf(term, chunks) {
  const first = word(term.replace(/^[=~]+/, '').split(' ')[0]).folded;
  let hash = 0x811c9dc5;
  for (const byte of utf8.encode(first)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash % Math.max(chunks, 1);
}

export const typosAllowed = (letters) => (letters <= 2 ? 0 : letters <= 6 ? 1 : 2);

/** Edit distance with swaps of neighbours, or max + 1 once it must pass max (`a`, `b`: arrays of characters). */
export function distance(a, b, max) {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    let best = Infinity;
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i][j] = d;
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
  }
  return Math.min(rows[a.length][b.length], max + 1);
}

// Rust orders strings by their UTF-8 bytes, which is code point order.
function byCodePoint(a, b) {
  const x = Array.from(a), y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i].codePointAt(0) - y[i].codePointAt(0);
  }
  return x.length - y.length;
}

/** Best first: the ranking rules of search::fallback::Hit::key. */
function compareHits(a, b) {
  const key = (h) => [-h.phrase, -h.matched, h.typos, h.phrase >= h.whole ? h.nameLen : 0,
    -h.exact, -h.proximity, -h.attribute, h.nameLen, h.doc];
  const x = key(a), y = key(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

async function getJSON(url, signal) {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

/** The static index, fetched piece by piece: the manifest, the vocabulary, then only the chunks a query needs. */
export class Fallback {
  constructor(base = new URL('chi-muc/', ROOT)) {
    this.base = base;
    this.chunks = new Map(); // term chunk number → promise of {term: [doc delta, score, …]}
    this.docChunks = new Map(); // doc chunk number → promise of rows
    this.decoded = new Map(); // term → [[doc, score], …]
    this.nearbyWords = new Map(); // folded word → the title words a typo or two away
    this.facets = null;
  }

  open() {
    this.opening ??= (async () => {
      const manifest = await getJSON(new URL('manifest.json', this.base));
      if (manifest.format !== FORMAT) throw new Error(`fallback index format ${manifest.format}, this code reads ${FORMAT}`);
      this.manifest = manifest;
      this.root = new URL(manifest.root + '/', this.base);
      this.safe = new Set(manifest.safe_stop_words);
      this.listed = new Set(manifest.listed_stop_words);
      const [terms, counts] = await getJSON(new URL('vocabulary.json', this.root));
      this.vocabulary = terms.map((term, i) => ({ term, count: counts[i], letters: Array.from(term) }));
    })().catch((error) => {
      this.opening = null;
      throw error;
    });
    return this.opening;
  }

  /** Facet values and each document's value numbers; fetched only once a filter or the filter panel is used. */
  loadFacets() {
    this.facetsLoading ??= getJSON(new URL('facets.json', this.root)).then((f) => (this.facets = f))
      .catch((error) => {
        this.facetsLoading = null;
        throw error;
      });
    return this.facetsLoading;
  }

  /** The query's words less stop words (all if nothing else is left), and whether the last may be a prefix. */
  analyse(query) {
    const all = words(query);
    const kept = all.filter((w) => !this.listed.has(w.exact) && !this.safe.has(w.folded));
    let typing = !SPACE_AT_END.test(query) && kept.length > 0 && all.length > 0 && kept.at(-1).exact === all.at(-1).exact;
    if (typing && kept.length > 1 && Array.from(kept.at(-1).folded).length < this.manifest.min_prefix) {
      kept.pop();
      typing = false;
    }
    return kept.length ? [kept, typing] : [all, false];
  }

  /** The terms a query word may match, each with its typos (search::fallback::FallbackIndex::candidates);
   * without `withTypos`, only those it matches as typed or completed. */
  candidates(w, prefix, previous, withTypos = true) {
    const f = w.folded;
    const out = [[f, 0]];
    if (prefix && previous) {
      // Words that follow the previous one in some name: its side-by-side terms begin "previous prefix".
      const start = `${previous.folded} ${f}`;
      const chunk = this.loaded(start) || {};
      for (const term of Object.keys(chunk)) {
        if (!term.startsWith(start)) continue;
        const next = term.slice(term.indexOf(' ') + 1);
        if (next !== f && !next.includes(' ') && !out.some(([t]) => t === next)) out.push([next, 0]);
      }
    }
    if (prefix && Array.from(f).length >= this.manifest.min_prefix) {
      const longer = this.vocabulary.filter((v) => v.term !== f && v.term.startsWith(f))
        .sort((a, b) => b.count - a.count || byCodePoint(a.term, b.term))
        .slice(0, this.manifest.prefix_limit);
      for (const v of longer) out.push([v.term, 0]);
    }
    return withTypos ? out.concat(this.nearby(f)) : out;
  }

  /** The title words a typo or two away (kept: they depend on the index only). */
  nearby(f) {
    let out = this.nearbyWords.get(f);
    if (!out) {
      out = [];
      const letters = Array.from(f);
      const allowed = typosAllowed(letters.length);
      for (const v of allowed > 0 ? this.vocabulary : []) {
        if (v.term === f) continue;
        const d = distance(letters, v.letters, allowed);
        if (d > 0 && d <= allowed) out.push([v.term, d]);
      }
      this.nearbyWords.set(f, out);
    }
    return out;
  }

  loaded(term) {
    return this.chunks.get(chunkOf(term, this.manifest.chunks))?.value;
  }

  /** Fetches the term chunks of `terms` not yet here. */
  async fetchTerms(terms) {
    const wanted = new Set([...terms].map((t) => chunkOf(t, this.manifest.chunks)));
    await Promise.all([...wanted].map((n) => {
      let entry = this.chunks.get(n);
      if (!entry) {
        entry = { promise: getJSON(new URL(`t/${n}.json`, this.root)) };
        entry.promise = entry.promise.then((value) => (entry.value = value), (error) => {
          this.chunks.delete(n);
          throw error;
        });
        this.chunks.set(n, entry);
      }
      return entry.promise;
    }));
  }

  postings(term) {
    let list = this.decoded.get(term);
    if (!list) {
      const chunk = this.loaded(term);
      if (!chunk) throw new Error(`term chunk of ${term} not fetched`);
      const flat = Object.hasOwn(chunk, term) ? chunk[term] : [];
      list = [];
      for (let i = 0, doc = 0; i < flat.length; i += 2) {
        doc += flat[i];
        list.push([doc, flat[i + 1] ?? 0]);
      }
      this.decoded.set(term, list);
    }
    return list;
  }

  /** Every term chunk ranking `query` reads: two rounds, since a prefix's completions come from the previous word's chunk. */
  async fetchFor(typed, query, prefix, withTypos) {
    const terms = new Set([...typed, ...query].map((w) => w.folded));
    query.forEach((w, i) => {
      for (const [t] of this.candidates(w, prefix && i + 1 === query.length, undefined, withTypos)) terms.add(t);
    });
    await this.fetchTerms(terms);
    if (prefix && query.length > 1) {
      await this.fetchTerms(this.candidates(query.at(-1), true, query.at(-2), false).map(([t]) => t));
    }
  }

  /** Every document some word matches, best first (search::fallback::rank); without `withTypos`, as if no
   * word had any typo candidate. `orphans`: the longest phrase of a document no word matched. */
  rank(typed, query, prefix, withTypos = true) {
    const perDoc = new Map();
    query.forEach((w, i) => {
      const last = i + 1 === query.length;
      for (const [term, typos] of this.candidates(w, prefix && last, query[i - 1], withTypos)) {
        for (const [doc, score] of this.postings(term)) {
          const weight = Math.floor(score / 100);
          let entry = perDoc.get(doc);
          if (!entry) perDoc.set(doc, (entry = { best: query.map(() => null), exact: 0 }));
          entry.nameLen = score % 100;
          const best = entry.best[i];
          if (!best || typos < best.typos || (typos === best.typos && weight > best.weight)) entry.best[i] = { typos, weight };
        }
      }
      if (isMarked(w)) {
        for (const [doc] of this.postings('=' + w.exact)) {
          const entry = perDoc.get(doc);
          if (entry) entry.exact++;
        }
      }
    });
    // The longest run of query words (stop words and all, or without) that is a whole name or common name.
    const phrase = new Map();
    for (const sequence of [typed, query]) {
      const folded = sequence.map((w) => w.folded);
      for (let len = folded.length; len >= 2; len--) {
        for (let start = 0; start + len <= folded.length; start++) {
          for (const [doc] of this.postings('~' + folded.slice(start, start + len).join(' '))) {
            phrase.set(doc, Math.max(phrase.get(doc) || 0, len));
          }
        }
      }
    }
    const sideBySide = new Map();
    for (let i = 0; i + 1 < query.length; i++) {
      for (const doc of new Set(this.postings(`${query[i].folded} ${query[i + 1].folded}`).map((p) => p[0]))) {
        sideBySide.set(doc, (sideBySide.get(doc) || 0) + 1);
      }
    }
    const hits = [];
    for (const [doc, entry] of perDoc) {
      const found = entry.best.filter(Boolean);
      hits.push({
        doc,
        matched: found.length,
        typos: found.reduce((sum, b) => sum + b.typos, 0),
        phrase: phrase.get(doc) || 0,
        whole: query.length,
        exact: entry.exact,
        proximity: sideBySide.get(doc) || 0,
        attribute: found.reduce((sum, b) => sum + b.weight, 0),
        nameLen: entry.nameLen,
      });
    }
    hits.sort(compareHits);
    hits.orphans = Math.max(0, ...[...phrase].filter(([doc]) => !perDoc.has(doc)).map(([, p]) => p));
    return hits;
  }

  /**
   * Whether the typo candidates cannot change the first `limit` hits ranked without them: each of
   * those matched every word as typed, so its keys are final; any other document can at best match
   * the missing words with typos, which ranks it below one of the same phrase without; and no
   * document with a longer phrase is missing. Then their postings need not be fetched.
   */
  settled(hits, words, limit) {
    const top = hits.slice(0, limit);
    return top.length === limit && top.every((h) => h.matched === words) && hits.orphans <= top.at(-1).phrase;
  }

  async documents(numbers) {
    const size = this.manifest.doc_chunk;
    const rows = await Promise.all(numbers.map((n) => {
      const chunk = Math.floor(n / size);
      if (!this.docChunks.has(chunk)) {
        this.docChunks.set(chunk, getJSON(new URL(`d/${chunk}.json`, this.root)).catch((error) => {
          this.docChunks.delete(chunk);
          throw error;
        }));
      }
      return this.docChunks.get(chunk).then((r) => r[n % size]);
    }));
    return rows.map(([code, name, url, field, agency, level, online]) => ({ code, name, url, field, agency, level, online }));
  }

  /**
   * The best `limit` documents for `query` among those the filters (`{param: value}`) keep, and how
   * many there are (`total`), or, when typo candidates were not needed for the best ones, how many
   * match every word as typed (`complete`). Filters and facet counts read every match.
   */
  async search(query, filters = {}, { limit = LIMIT, facets = false, lazy = true } = {}) {
    await this.open();
    const typed = words(query);
    const [kept, prefix] = this.analyse(query);
    const chosen = FACETS.filter((f) => filters[f.param]);
    const facetsLoaded = chosen.length || facets ? this.loadFacets() : null;
    let hits;
    if (lazy && !facetsLoaded) {
      await this.fetchFor(typed, kept, prefix, false);
      hits = this.rank(typed, kept, prefix, false);
      if (this.settled(hits, kept.length, limit)) {
        const complete = hits.filter((h) => h.matched === kept.length).length;
        return { total: null, complete, hits: await this.documents(hits.slice(0, limit).map((h) => h.doc)), facets: null };
      }
    }
    await Promise.all([this.fetchFor(typed, kept, prefix, true), facetsLoaded]);
    hits = this.rank(typed, kept, prefix, true);
    if (chosen.length) {
      const wanted = chosen.map((f) => [f.kind, this.facets.values[f.kind].indexOf(filters[f.param])]);
      hits = hits.filter((h) => wanted.every(([kind, value]) => this.facets.docs[h.doc][kind].includes(value)));
    }
    let counts = null;
    if (this.facets) {
      counts = {};
      for (const f of FACETS) {
        const count = {};
        for (const h of hits) {
          for (const v of this.facets.docs[h.doc][f.kind]) {
            const name = this.facets.values[f.kind][v];
            count[name] = (count[name] || 0) + 1;
          }
        }
        counts[f.param] = count;
      }
    }
    return { total: hits.length, hits: await this.documents(hits.slice(0, limit).map((h) => h.doc)), facets: counts };
  }
}

// ---- Meilisearch ----

async function withTimeout(run) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    return await run(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

async function meiliConfig() {
  try {
    const c = await withTimeout((signal) => getJSON(new URL('meili.json', ROOT), signal));
    return typeof c?.url === 'string' && typeof c?.index === 'string' ? c : null;
  } catch {
    return null;
  }
}

const quoted = (value) => '"' + value.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';

async function meiliSearch(config, query, filters, limit) {
  const filter = FACETS.filter((f) => filters[f.param]).map((f) => `${f.attribute} = ${quoted(filters[f.param])}`);
  const ask = (matchingStrategy) => withTimeout(async (signal) => {
    const headers = { 'Content-Type': 'application/json' };
    if (config.key) headers.Authorization = 'Bearer ' + config.key;
    const response = await fetch(`${config.url.replace(/\/+$/, '')}/indexes/${encodeURIComponent(config.index)}/search`, {
      method: 'POST', headers, signal,
      // `locales`: a short query without marks is Vietnamese too; left to
      // detection, Meilisearch may read it as another language.
      body: JSON.stringify({ q: browserQuery(query), limit, filter, facets: FACETS.map((f) => f.attribute), matchingStrategy, locales: ['vie'] }),
    });
    if (!response.ok) throw new Error(`Meilisearch: HTTP ${response.status}`);
    return response.json();
  });
  // "last" drops words from the end only: a typo in the first word needs "frequency".
  let answer = await ask('last');
  if (!answer.hits?.length) answer = await ask('frequency');
  const first = (list) => (Array.isArray(list) ? list[0] : list) || '';
  const distribution = answer.facetDistribution || {};
  return {
    total: answer.estimatedTotalHits ?? answer.totalHits ?? answer.hits.length,
    hits: answer.hits.map((h) => ({ code: h.code, name: h.name, url: h.url, field: first(h.fields), agency: first(h.agencies),
      level: first(h.levels), online: first(h.online) })),
    facets: Object.fromEntries(FACETS.map((f) => [f.param, distribution[f.attribute] || {}])),
  };
}

// ---- Questions and answers (publish::questions::QuestionIndex) ----

const QUESTIONS = new URL('../hoi-dap/chi-muc.json', import.meta.url);
/** The question index format this code reads (publish::questions::INDEX_FORMAT). */
const QUESTION_FORMAT = 1;
let questionIndex;

/** The published questions, fetched once; none where nothing is published (or it cannot be fetched). */
function publishedQuestions() {
  questionIndex ??= getJSON(QUESTIONS).then((index) => {
    if (index.format !== QUESTION_FORMAT) throw new Error(`question index format ${index.format}`);
    return {
      stop: new Set(index.stop),
      questions: index.questions.map((q) => ({
        ...q,
        words: new Set(q.words.split(' ')),
        titleWords: new Set(words(q.title).map((w) => w.folded)),
      })),
    };
  }).catch(() => ({ stop: new Set(), questions: [] }));
  return questionIndex;
}

/**
 * The published questions (about `procedure`, if given) that have every word of `query`, folded
 * as the index folds them, stop words left out; while typing, the last word may be the start of
 * one. Those with more of the words in their title first, then the newest: `{total, hits}`.
 */
export async function findQuestions(query, { procedure = null, limit = 5 } = {}) {
  const index = await publishedQuestions();
  const typed = words(query);
  const kept = typed.filter((w) => !index.stop.has(w.exact));
  const terms = (kept.length ? kept : typed).map((w) => w.folded);
  const typing = terms.length > 0 && !SPACE_AT_END.test(query);
  const has = (set, term, last) => set.has(term)
    || (last && typing && Array.from(term).length >= 2 && [...set].some((w) => w.startsWith(term)));
  const found = [];
  for (const q of index.questions) {
    if (procedure && q.procedure !== procedure) continue;
    if (!terms.every((t, i) => has(q.words, t, i + 1 === terms.length))) continue;
    found.push({ q, inTitle: terms.filter((t, i) => has(q.titleWords, t, i + 1 === terms.length)).length });
  }
  found.sort((a, b) => b.inTitle - a.inTitle);
  return { total: found.length, hits: found.slice(0, limit).map((f) => f.q) };
}

// ---- The engine the page uses ----

let meili; // promise of the config, or of null once the fallback has taken over
const fallback = new Fallback();

/** Searches with Meilisearch while it answers, otherwise with the fallback: `{total, hits, facets}`. */
export async function search(query, filters = {}, options = {}) {
  meili ??= meiliConfig();
  const config = await meili;
  if (config) {
    try {
      return await meiliSearch(config, query, filters, options.limit || LIMIT);
    } catch {
      meili = Promise.resolve(null);
    }
  }
  return fallback.search(query, filters, options);
}

// ---- The search page ----

const form = document.getElementById('tim-kiem');
if (form) page(form);

function page(form) {
  const input = form.elements.q;
  const status = document.getElementById('so-ket-qua');
  const list = document.getElementById('ket-qua');
  const more = document.getElementById('xem-them');
  const panel = form.querySelector('details');
  const selects = FACETS.map((f) => form.elements[f.param]);
  const labels = selects.map((s) => [...s.options].map((o) => o.value).filter(Boolean));
  let limit = LIMIT;
  let latest = 0;
  let timer;

  const filters = () => Object.fromEntries(FACETS.map((f, i) => [f.param, selects[i].value]).filter(([, v]) => v));

  function keepUrl(query) {
    const params = new URLSearchParams();
    if (trim(query)) params.set('q', trim(query));
    for (const [k, v] of Object.entries(filters())) params.set(k, v);
    const shared = params.toString();
    history.replaceState(null, '', location.pathname + (shared ? '?' + shared : ''));
  }

  async function run() {
    clearTimeout(timer);
    const query = input.value;
    const turn = ++latest;
    keepUrl(query);
    if (!trim(query)) {
      list.replaceChildren();
      more.hidden = true;
      status.textContent = '';
      showCounts(null);
      showQuestions(query, { total: 0, hits: [] });
      return;
    }
    let answer;
    try {
      answer = await search(query, filters(), { limit, facets: panel.open });
    } catch {
      // Neither engine answered (offline): the form still works as a plain submission.
      if (turn === latest) status.textContent = 'Chưa tìm được lúc này. Bấm “Tìm kiếm” để thử lại.';
      return;
    }
    if (turn !== latest) return;
    show(query, answer);
    const asked = await findQuestions(query);
    if (turn === latest) showQuestions(query, asked);
  }

  /** "Hỏi đáp": the published questions with the query's words, under the procedures. */
  function showQuestions(query, { total, hits }) {
    const box = document.getElementById('hoi-dap-ket-qua');
    if (!box) return;
    box.hidden = !hits.length;
    document.getElementById('hoi-dap-danh-sach').replaceChildren(...hits.map((q) => {
      const item = document.createElement('li');
      const facts = Object.assign(document.createElement('p'), { className: 'note' });
      facts.textContent = [q.procedure_name, `Trả lời ngày ${q.date.split('-').reverse().join('/')}`].filter(Boolean).join(' · ');
      item.append(Object.assign(document.createElement('a'), { href: q.path, textContent: q.title }), facts);
      return item;
    }));
    const all = document.getElementById('hoi-dap-them');
    all.hidden = total <= hits.length;
    all.href = all.href.split('?')[0] + '?' + new URLSearchParams({ q: trim(query) });
    all.textContent = `Xem cả ${total} câu hỏi`;
  }

  function show(query, { total, complete, hits, facets }) {
    list.replaceChildren(...hits.map((h) => {
      const link = Object.assign(document.createElement('a'), { href: h.url, textContent: h.name });
      const facts = Object.assign(document.createElement('p'), { className: 'note' });
      facts.textContent = [h.field, h.agency, h.level, h.online].filter(Boolean).join(' · ');
      const item = document.createElement('li');
      item.append(link, facts);
      return item;
    }));
    const q = trim(query);
    const showing = (n) => (hits.length < n ? `, đang hiển thị ${hits.length}` : '');
    // The fallback may rank the best without counting every match (see Fallback.search).
    more.hidden = total !== null && hits.length >= total;
    status.textContent = total === null ? `Tìm thấy ${complete} thủ tục có đủ các từ “${q}”${showing(complete)}.`
      : total ? `Tìm thấy ${total} thủ tục cho “${q}”${showing(total)}.`
        : `Không tìm thấy thủ tục nào cho “${q}”. Thử ít từ hơn hoặc kiểm tra chính tả.`;
    if (facets) showCounts(facets);
  }

  /** Each filter lists the values found among the results, with their counts (and the chosen one); all of them without results. */
  function showCounts(facets) {
    FACETS.forEach((f, i) => {
      const select = selects[i];
      const chosen = select.value;
      const count = facets?.[f.param];
      const values = count
        ? labels[i].filter((v) => count[v] || v === chosen).sort((a, b) => (count[b] || 0) - (count[a] || 0))
        : labels[i];
      const options = values.map((v) => new Option(count ? `${v} (${count[v] || 0})` : v, v, false, v === chosen));
      select.replaceChildren(new Option('Tất cả', ''), ...options);
      select.value = chosen;
    });
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    limit = LIMIT;
    timer = setTimeout(run, 150);
  });
  form.addEventListener('change', (event) => {
    if (event.target.tagName === 'SELECT') {
      limit = LIMIT;
      run();
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run();
  });
  panel.addEventListener('toggle', () => {
    if (panel.open && trim(input.value)) run();
  });
  more.addEventListener('click', () => {
    limit += LIMIT;
    run();
  });

  // Ask for the config now, and without Meilisearch open the fallback (manifest, vocabulary) while
  // the citizen types: the first results then wait only for the chunks their words need.
  meili ??= meiliConfig();
  meili.then((config) => config || fallback.open()).catch(() => {});

  const params = new URLSearchParams(location.search);
  input.value = params.get('q') || '';
  FACETS.forEach((f, i) => {
    const value = params.get(f.param);
    if (value && labels[i].includes(value)) selects[i].value = value;
  });
  if (FACETS.some((f) => params.get(f.param))) panel.open = true;
  if (trim(input.value)) run();
}
