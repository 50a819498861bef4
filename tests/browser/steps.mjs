// What the journeys share: screenshots numbered across the whole journey,
// axe-core on a screen, the officials' moves in the back office (sign in,
// open a queue, find a dossier, do an action) and the citizen's reading of
// the tracking page.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Screenshots `NN-name.png` in `dir`, numbered in the order they were taken. */
export function camera(dir) {
  let step = 0;
  // `full`: the whole page. (After a full-page shot of a page taller than the
  // window, Chromium's clicks near the window's bottom can miss their target.)
  const take = (page, name, full = true) => page.screenshot({ path: join(dir, `${String(++step).padStart(2, '0')}-${name}.png`), fullPage: full });
  return { take, count: () => step };
}

/** Runs axe-core (WCAG 2.1 A and AA) on `page`; serious and critical violations go into `found`. */
export async function checkAccessibility(page, name, found) {
  await page.addScriptTag({ content: axeSource });
  const serious = await page.evaluate(async () => (await window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  })).violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => `${v.id}: ${v.nodes.length}`));
  if (serious.length) found.push(`${name}: ${serious.join(', ')}`);
}

/** An official at a desktop: the back office in one page of a desktop context. */
export function backOffice(page, base) {
  const status = () => page.textContent('dl.facts');

  async function signInAs(account) {
    await page.goto(base + '/can-bo/');
    if (await page.evaluate(() => sessionStorage.getItem('dvc.token') !== null)) {
      await page.click('#nguoi-dung button:has-text("Đăng xuất")');
    }
    await page.click('text=Đăng nhập bằng tài khoản cán bộ');
    await page.click(`text=${account}`);
    await page.waitForSelector('#nguoi-dung button');
  }

  /** Opens a queue from its card and waits until its page has loaded. */
  async function openQueue(label) {
    await page.click(`.cards a:has-text("${label}")`);
    await page.waitForLoadState('networkidle');
    await page.waitForSelector('table.grid tbody tr');
  }

  /** Opens dossier `code` from the queue `queueLabel`, as an official finds it there. */
  async function openFromQueue(queueLabel, code) {
    await openQueue(queueLabel);
    const row = page.locator('table.grid tbody tr', { hasText: code });
    await row.waitFor();
    assert.equal(await row.count(), 1, `${code} is once in the queue “${queueLabel}”`);
    await row.locator(`td a:has-text("${code}")`).click();
    await page.waitForSelector(`h1:has-text("${code}")`);
  }

  /** Does the action whose button says `label`, filling its form with `fill`. */
  async function act(label, fill = async () => {}) {
    await page.click(`.box .actions button:has-text("${label}")`);
    const form = `form.action-form[aria-label="${label}"]`;
    await page.waitForSelector(form);
    await fill(form);
    await page.click(`${form} button[type=submit]`);
    await page.waitForFunction((text) => document.getElementById('thong-bao').textContent.includes(text), `Đã thực hiện: ${label}`);
  }

  return { page, status, signInAs, openQueue, openFromQueue, act };
}

/** The history shown on the tracking page, oldest first: "action (status)" per line. */
export async function shownHistory(page) {
  return page.$$eval('#lich-su li', (items) => items.map((li) => li.textContent).reverse());
}

/** The tracking answer of `code` as the citizen's page gets it (the API, with the secret). */
export async function tracked(base, code, secret) {
  const response = await fetch(`${base}/api/dossiers/${encodeURIComponent(code)}`, { headers: { Accept: 'application/json', 'X-Tracking-Secret': secret } });
  assert.equal(response.status, 200, `tracking ${code}`);
  return response.json();
}

/** Rates the returned dossier on the tracking page: every indicator at `answer`, and a comment. */
export async function rate(page, answer, comment) {
  await page.waitForSelector('#danh-gia:not([hidden])');
  for (const fieldset of await page.$$('#danh-gia fieldset')) {
    await (await fieldset.$(`input[value="${answer}"]`)).check();
  }
  await page.fill('#dg-y-kien', comment);
  await page.click('#danh-gia button[type=submit]');
  await page.waitForFunction(() => document.getElementById('danh-gia-trang-thai').textContent.startsWith('Ông/bà đã đánh giá'));
}
