// Questions and answers against the local portal: a citizen on a phone asks
// about a procedure from its page without signing in, keeps the code and the
// secret, and follows the link (no answer yet); the desk answers in the back
// office on a desktop, the leader corrects the answer and publishes it; the
// citizen then reads the corrected answer. Every screen is checked with
// axe-core. Usage: node questions.mjs <portal url> <screenshot dir>
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { launch, phone } from './chromium.mjs';

const [base, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const browser = await launch();
const errors = [];
const violations = [];
let step = 0;

async function open(options) {
  const page = await (await browser.newContext(options)).newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  return page;
}
const shot = (page, name) => page.screenshot({ path: join(shots, `${String(++step).padStart(2, '0')}-${name}.png`), fullPage: true });
async function checkAccessibility(page, name) {
  await page.addScriptTag({ content: axeSource });
  const found = await page.evaluate(async () => (await window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  })).violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => `${v.id}: ${v.nodes.length}`));
  if (found.length) violations.push(`${name}: ${found.join(', ')}`);
}

const citizen = await open(phone);
const office = await open({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
const visible = (page, selector) => page.waitForSelector(`${selector}:not([hidden])`, { timeout: 15000 });

async function signInAs(account) {
  await office.goto(base + '/can-bo/');
  if (await office.evaluate(() => sessionStorage.getItem('dvc.token') !== null)) {
    await office.click('#nguoi-dung button:has-text("Đăng xuất")');
  }
  await office.click('text=Đăng nhập bằng tài khoản cán bộ');
  await office.click(`text=${account}`);
  await office.waitForSelector('#nguoi-dung button');
}

async function act(label, text) {
  await office.click(`.box .actions button:has-text("${label}")`);
  const form = `form.action-form[aria-label="${label}"]`;
  await office.waitForSelector(form);
  if (text !== undefined) await office.fill(`${form} textarea`, text);
  await office.click(`${form} button[type=submit]`);
  await office.waitForFunction((t) => document.getElementById('thong-bao').textContent.includes(t), `Đã thực hiện: ${label}`);
}

try {
  // From the procedure's page: the question is about it.
  await citizen.goto(base + '/thu-tuc/1-010041/');
  await citizen.click('a:has-text("Đặt câu hỏi về thủ tục này")');
  await visible(citizen, '#dat-cau-hoi');
  await citizen.waitForFunction(() => document.getElementById('ten-thu-tuc').textContent.includes('cư trú'));
  assert.equal(await citizen.inputValue('#ma-thu-tuc'), '1.010041');
  // Without a contact the summary says so and takes the focus.
  await citizen.fill('#tieu-de', 'Xác nhận cư trú cho người đang tạm trú');
  await citizen.fill('#noi-dung-cau-hoi', 'Tôi đang tạm trú ở phường khác nơi thường trú.\nTôi xin xác nhận ở đâu?');
  await citizen.fill('#ho-ten', 'Phạm Thị Thu');
  await citizen.click('#dat-cau-hoi button[type=submit]');
  await visible(citizen, '#loi');
  assert.match(await citizen.textContent('#loi'), /thư điện tử hoặc số điện thoại/);
  assert.equal(await citizen.evaluate(() => document.activeElement.id), 'loi');
  await checkAccessibility(citizen, 'đặt câu hỏi (lỗi)');
  await shot(citizen, 'dat-cau-hoi-loi');
  await citizen.fill('#dien-thoai', '0912 000 111');
  await citizen.click('#dat-cau-hoi button[type=submit]');
  await visible(citizen, '#da-gui');
  const code = (await citizen.textContent('#ma-cau-hoi')).trim();
  assert.match(code, /^HD-\d{6}-[2-9A-HJKMNP-Z]{6}$/);
  await shot(citizen, 'da-gui');

  // The link keeps the secret in its fragment: no answer yet.
  await citizen.click('#lien-ket-tra-cuu');
  await visible(citizen, '#ket-qua');
  assert.match(await citizen.textContent('#chi-tiet'), /Chờ trả lời/);
  const follow = citizen.url();
  await checkAccessibility(citizen, 'xem câu trả lời');
  await shot(citizen, 'chua-tra-loi');

  // The desk answers from the Hỏi đáp list.
  await signInAs('Cán bộ một cửa (demo)');
  await office.click('#menu a:has-text("Hỏi đáp")');
  await office.waitForSelector(`table.grid a:has-text("${code}")`);
  await checkAccessibility(office, 'danh sách hỏi đáp');
  await office.click(`table.grid a:has-text("${code}")`);
  await office.waitForSelector(`h1:has-text("${code}")`);
  assert.match(await office.textContent('dl.facts'), /0912000111/);
  await act('Trả lời', 'Ông/bà xin xác nhận tại Công an cấp xã nơi đang cư trú.');
  assert.match(await office.textContent('dl.facts'), /Đã trả lời/);
  await checkAccessibility(office, 'câu hỏi');
  await shot(office, 'da-tra-loi');

  // The leader corrects it, then publishes it.
  await signInAs('Chủ tịch UBND xã (demo)');
  await office.goto(`${base}/can-bo/#/hoi-dap?queue=unpublished`);
  await office.click(`table.grid a:has-text("${code}")`);
  await office.waitForSelector(`h1:has-text("${code}")`);
  await act('Sửa câu trả lời', 'Ông/bà đề nghị xác nhận tại Công an cấp xã nơi đang cư trú, trực tiếp hoặc trực tuyến.');
  await act('Công khai câu trả lời');
  assert.match(await office.textContent('dl.facts'), /Đã trả lời và công khai/);
  assert.match(await office.textContent('table.grid'), /Sửa câu trả lời/);
  await shot(office, 'cong-khai');

  // The same address again (a hash change alone would not reload the page).
  await citizen.goto('about:blank');
  await citizen.goto(follow);
  await visible(citizen, '#tra-loi');
  assert.match(await citizen.textContent('#noi-dung-tra-loi'), /trực tiếp hoặc trực tuyến/);
  assert.match(await citizen.textContent('#chi-tiet'), /Xem trang hỏi đáp/);
  await shot(citizen, 'da-co-tra-loi');

  assert.deepEqual(errors, []);
  assert.deepEqual(violations, []);
  console.log(`questions: ${code} asked, answered, corrected and published; ${step} screenshots in ${shots}`);
} catch (error) {
  await shot(citizen, 'loi-cong-dan');
  await shot(office, 'loi-can-bo');
  throw error;
} finally {
  await browser.close();
}
