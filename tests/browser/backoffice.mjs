// Officials' journey in the back office on a desktop at the counter (and one
// look on a tablet), against the local portal after the citizen's journey:
// the desk accepts an online dossier and routes it, receives a dossier at the
// counter and prints Mẫu 01; the specialist takes the routed dossier up and
// forwards it; the department head approves it with its result number; the
// desk returns it; the leader reads the supervision dashboard. Each screen
// is checked with axe-core. Usage: node backoffice.mjs <portal url> <screenshot dir>
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { launch } from './chromium.mjs';

const [base, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
const page = await context.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));
let step = 0;
const shot = async (name) => page.screenshot({ path: join(shots, `${String(++step).padStart(2, '0')}-${name}.png`), fullPage: true });
const status = () => page.textContent('dl.facts');
const violations = [];

async function checkAccessibility(name) {
  await page.addScriptTag({ content: axeSource });
  const found = await page.evaluate(async () => (await window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  })).violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => `${v.id}: ${v.nodes.length}`));
  if (found.length) violations.push(`${name}: ${found.join(', ')}`);
}

async function signInAs(account) {
  await page.goto(base + '/can-bo/');
  if (await page.evaluate(() => sessionStorage.getItem('dvc.token') !== null)) {
    await page.click('#nguoi-dung button:has-text("Đăng xuất")');
  }
  await page.click('text=Đăng nhập bằng tài khoản cán bộ');
  await page.click(`text=${account}`);
  await page.waitForSelector('#nguoi-dung button');
}

/** Does the action whose button says `label`, filling the form with `fill`. */
async function act(label, fill = async () => {}) {
  await page.click(`.box .actions button:has-text("${label}")`);
  const form = `form.action-form[aria-label="${label}"]`;
  await page.waitForSelector(form);
  await fill(form);
  await page.click(`${form} button[type=submit]`);
  await page.waitForFunction((text) => document.getElementById('thong-bao').textContent.includes(text), `Đã thực hiện: ${label}`);
}

/** Opens a queue from its card and waits until its page has loaded. */
async function openQueue(label) {
  await page.click(`.cards a:has-text("${label}")`);
  await page.waitForLoadState('networkidle');
  await page.waitForSelector('table.grid tbody tr');
}

async function openFromQueue(queueLabel, rowText) {
  await openQueue(queueLabel);
  const row = page.locator('table.grid tbody tr', { hasText: rowText }).first();
  await row.waitFor();
  const code = (await row.locator('td a').textContent()).trim();
  await row.locator('td a').click();
  await page.waitForSelector(`h1:has-text("${code}")`);
  return code;
}

try {
  // The desk: accept the citizen's online dossier and route it.
  await signInAs('Cán bộ một cửa (demo)');
  await page.waitForSelector('table.grid tbody tr td a');
  await checkAccessibility('hàng đợi');
  await shot('hang-doi-mot-cua');
  const online = await openFromQueue('Bộ phận một cửa', 'Xác nhận thông tin về cư trú');
  await checkAccessibility('hồ sơ');
  await shot('ho-so-truc-tuyen');
  await act('Tiếp nhận');
  assert.match(await status(), /Được tiếp nhận/);
  await act('Chuyển phòng xử lý');
  assert.match(await status(), /Đã chuyển phòng chuyên môn/);
  await shot('da-chuyen-phong');

  // The counter: a dossier handed in on paper, with its receipt slip.
  await page.click('#menu a:has-text("Tiếp nhận tại quầy")');
  await page.fill('#ma-thu-tuc', '1.000419');
  await page.click('button:has-text("Chọn thủ tục")');
  await page.waitForSelector('.paper-row');
  await page.fill('input[name=full_name]', 'Lê Thị Hoa');
  await page.fill('input[name=identity_number]', '036190001234');
  await page.fill('input[name=phone]', '0987654321');
  await page.fill('input[name=address]', 'Xóm 3, xã thử nghiệm');
  for (const row of await page.$$('.paper-row')) {
    if ((await row.textContent()).includes('(bắt buộc)')) await (await row.$('input')).fill('1');
  }
  await checkAccessibility('tiếp nhận');
  await shot('tiep-nhan');
  const [slip] = await Promise.all([context.waitForEvent('page'), page.click('button:has-text("Tiếp nhận và in giấy hẹn")')]);
  await slip.waitForLoadState();
  assert.match(await slip.textContent('body'), /GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ/);
  assert.match(await slip.textContent('body'), /Lê Thị Hoa/);
  await slip.screenshot({ path: join(shots, `${String(++step).padStart(2, '0')}-mau-01.png`), fullPage: true });
  await slip.close();
  await page.waitForSelector('h1:has-text("Hồ sơ 000.00.01.H29-")');
  assert.match(await status(), /Được tiếp nhận/);
  await page.click('#menu a:has-text("Sổ theo dõi")');
  await page.waitForSelector('table.grid tbody tr');
  assert.match(await page.textContent('table.grid'), /Lê Thị Hoa/);
  await checkAccessibility('sổ theo dõi');
  await shot('so-theo-doi');

  // The specialist takes the routed dossier up and forwards it.
  await signInAs('Chuyên viên cư trú (demo)');
  await openQueue('Chờ phân công');
  await page.click(`a:has-text("${online}")`);
  await page.waitForSelector(`h1:has-text("${online}")`);
  await act('Nhận xử lý');
  await act('Trình phê duyệt', (form) => page.fill(`${form} textarea`, 'Đủ điều kiện xác nhận.'));
  assert.match(await status(), /chờ lãnh đạo phê duyệt/);
  await shot('trinh-phe-duyet');

  // The department head approves it with its result number.
  await signInAs('Trưởng Công an xã (demo)');
  await openQueue('Chờ phê duyệt');
  await page.click(`a:has-text("${online}")`);
  await page.waitForSelector(`h1:has-text("${online}")`);
  await act('Phê duyệt', (form) => page.fill(`${form} input[required]`, '125/XN-CA'));
  assert.match(await status(), /Đã xử lý xong/);
  await shot('phe-duyet');

  // The desk returns the result; on a tablet the dossier page still reads.
  await signInAs('Cán bộ một cửa (demo)');
  await page.goto(`${base}/can-bo/#/ho-so/${online}`);
  await page.waitForSelector(`h1:has-text("${online}")`);
  await act('Trả kết quả');
  assert.match(await status(), /Đã trả kết quả/);
  await page.setViewportSize({ width: 768, height: 1024 });
  await shot('tra-ket-qua-may-tinh-bang');
  await page.setViewportSize({ width: 1280, height: 900 });

  // The leader's dashboard.
  await signInAs('Chủ tịch UBND xã (demo)');
  await page.click('#menu a:has-text("Giám sát")');
  await page.waitForSelector('h2:has-text("Theo phòng")');
  assert.match(await page.textContent('main'), /Công an xã/);
  await checkAccessibility('giám sát');
  await shot('giam-sat');

  assert.deepEqual(errors, []);
  assert.deepEqual(violations, []);
  console.log(`back office: ${online} accepted, routed, approved and returned; a counter dossier received; ${step} screenshots in ${shots}`);
} catch (error) {
  await shot('loi');
  throw error;
} finally {
  await browser.close();
}
