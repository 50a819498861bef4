// Feedback and petitions (PAKN) against the local portal. On a 375-px phone:
// from a procedure page, send one without signing in (told what is missing
// first), keep the code and the tracking secret, follow it by the link and
// by typing both codes. In the back office on a desktop, the desk finds it
// in its list and asks for more information; the sender adds it; the desk
// answers, the leader publishes; the sender reads the answer, is not
// satisfied and asks for it to be looked at again, and it is back in the
// desk's list; the sender was told of each step. Then signed in, the sender sends one with a file and finds it
// under "my petitions". Every screen is checked with axe-core.
// Usage: node petition.mjs <portal url> <screenshot dir>
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { launch, phone } from './chromium.mjs';

const [base, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const photo = join(shots, 'anh-chup.pdf');
writeFileSync(photo, '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

const browser = await launch();
const errors = [];
async function open(options) {
  const opened = await (await browser.newContext(options)).newPage();
  opened.on('pageerror', (e) => errors.push(e.message));
  return opened;
}
const page = await open(phone);
const office = await open({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
let step = 0;
const shot = async (name, on = page) => on.screenshot({ path: join(shots, `${String(++step).padStart(2, '0')}-${name}.png`), fullPage: true });
const visible = (selector) => page.waitForSelector(`${selector}:not([hidden])`, { timeout: 15000 });
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const violations = [];

/** axe-core on the screen as it is now (the form, its errors, the receipt, the follow page). */
async function checkAccessibility(name, on = page) {
  await on.addScriptTag({ content: axeSource });
  const found = await on.evaluate(async () => (await window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  })).violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => `${v.id}: ${v.nodes.length}`));
  if (found.length) violations.push(`${name}: ${found.join(', ')}`);
}

async function signInAs(account) {
  await office.goto(base + '/can-bo/');
  if (await office.evaluate(() => sessionStorage.getItem('dvc.token') !== null)) {
    await office.click('#nguoi-dung button:has-text("Đăng xuất")');
  }
  await office.click('text=Đăng nhập bằng tài khoản cán bộ');
  await office.click(`text=${account}`);
  await office.waitForSelector('#nguoi-dung button');
}

/** An official's move on the petition shown: its form, its text, done. */
async function act(label, text, check = false) {
  await office.click(`.box .actions button:has-text("${label}")`);
  const form = `form.action-form[aria-label="${label}"]`;
  await office.waitForSelector(form);
  if (text !== undefined) await office.fill(`${form} textarea`, text);
  if (check) await office.check(`${form} input[type=checkbox]`);
  await office.click(`${form} button[type=submit]`);
  await office.waitForFunction((t) => document.getElementById('thong-bao').textContent.includes(t), `Đã thực hiện: ${label}`);
}

try {
  // From the procedure page: the topic comes filled in.
  await page.goto(base + '/thu-tuc/1-010041/');
  await page.click('text=Phản ánh, kiến nghị về thủ tục này');
  await visible('#bieu-mau');
  await page.waitForFunction(() => document.getElementById('ve-viec').textContent.includes('Xác nhận thông tin về cư trú'));
  assert.equal(await page.inputValue('#ma-thu-tuc'), '1.010041');
  await shot('bieu-mau');
  await checkAccessibility('bieu-mau');

  // Nothing written yet: the summary names each missing answer and takes the focus.
  await page.click('#gui');
  await visible('#loi');
  assert.equal(await page.$$eval('#loi li', (items) => items.length), 4);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'loi');
  await shot('thieu-thong-tin');
  await checkAccessibility('thieu-thong-tin');

  await page.check('input[name=loai][value=recommendation]');
  await page.fill('#tieu-de', 'Đề nghị bỏ yêu cầu nộp bản sao sổ hộ khẩu');
  await page.fill('#noi-dung-phan-anh', 'Sổ hộ khẩu không còn giá trị từ 01/01/2023 nhưng cán bộ vẫn yêu cầu nộp bản sao.');
  await page.fill('#ho-ten', 'Lê Văn Cường');
  await page.fill('#dien-thoai', '0987 654 321');
  await page.check('#cong-khai');
  await page.click('#gui');
  await visible('#da-gui');
  const code = (await page.textContent('#ma-phan-anh')).trim();
  const secret = (await page.textContent('#ma-tra-cuu')).trim();
  assert.match(code, /^PAKN-\d{6}-[0-9A-Z]{6}$/);
  assert.ok(secret.length >= 20, 'a tracking secret');
  assert.match(await page.textContent('#da-gui'), /ghi lại hoặc chụp màn hình mã phản ánh và mã tra cứu/);
  assert.match(await page.textContent('#han-tra-loi'), /^17:00 ngày \d{2}\/\d{2}\/\d{4}$/);
  await shot('da-gui');
  await checkAccessibility('da-gui');

  // The link opens it with the secret kept in the fragment.
  await page.click('#lien-ket-theo-doi');
  await visible('#ket-qua');
  assert.match(await page.textContent('#chi-tiet'), /Đang xử lý/);
  assert.match(await page.textContent('#chi-tiet'), /Xác nhận thông tin về cư trú/);
  assert.match(await page.textContent('#thoi-han'), /Hạn trả lời/);
  assert.match(await page.textContent('#lich-su'), /Tiếp nhận phản ánh, kiến nghị/);
  assert.ok(await page.isHidden('#xem-xet-lai'), 'nothing to reconsider before an answer');
  await shot('theo-doi');
  await checkAccessibility('theo-doi');

  // Typed in: a wrong secret finds nothing, the right one the petition.
  await page.goto(base + '/tra-cuu-phan-anh/');
  await page.fill('#ma', code);
  await page.fill('#ma-tra-cuu-nhap', 'khong-dung');
  await page.click('#tra-cuu button[type=submit]');
  await visible('#loi');
  assert.match(await page.textContent('#loi'), /Không có phản ánh, kiến nghị nào khớp/);
  await page.fill('#ma-tra-cuu-nhap', secret);
  await page.click('#tra-cuu button[type=submit]');
  await visible('#ket-qua');
  assert.match(await page.textContent('#ket-qua-tieu-de'), new RegExp(code));

  // The desk finds it in its list, with its due time, and asks for more.
  await signInAs('Cán bộ một cửa (demo)');
  await office.click('#menu a:has-text("Phản ánh, kiến nghị")');
  await office.waitForSelector(`a:text("${code}")`);
  await checkAccessibility('can-bo-danh-sach', office);
  await shot('can-bo-danh-sach', office);
  await office.click(`a:text("${code}")`);
  await office.waitForSelector('h1:has-text("Kiến nghị")');
  assert.match(await office.textContent('main'), /Lê Văn Cường/);
  assert.match(await office.textContent('main'), /Hạn trả lời/);
  await act('Đề nghị bổ sung thông tin', 'Xin cho biết ngày và nơi bạn nộp hồ sơ.');
  await checkAccessibility('can-bo-de-nghi', office);

  // The sender adds it on the follow page (by the secret).
  await page.goto(`${base}/tra-cuu-phan-anh/?ma=${encodeURIComponent(code)}#${encodeURIComponent(secret)}`);
  await visible('#bo-sung');
  assert.match(await page.textContent('#bo-sung'), /ngày và nơi bạn nộp hồ sơ/);
  assert.match(await page.textContent('#thoi-han'), /tạm dừng/);
  await page.fill('#thong-tin-bo-sung', 'Nộp ngày 02/06 tại Bộ phận Một cửa xã.');
  await page.click('#bo-sung button[type=submit]');
  await page.waitForFunction(() => document.getElementById('trang-thai').textContent.includes('Đã gửi thông tin bổ sung'));
  assert.ok(await page.isHidden('#bo-sung'));
  await shot('da-bo-sung');

  // The desk answers; the leader publishes it.
  await office.reload();
  await office.waitForSelector('h1:has-text("Kiến nghị")');
  await act('Trả lời', 'Từ 01/01/2023 không yêu cầu sổ hộ khẩu; xã đã nhắc cán bộ tiếp nhận.');
  await signInAs('Chủ tịch UBND xã (demo)');
  await office.goto(`${base}/can-bo/#/phan-anh?queue=publish`);
  await office.click(`a:text("${code}")`);
  await office.waitForSelector('h1:has-text("Kiến nghị")');
  await act('Công khai câu trả lời', undefined, true);
  assert.match(await office.textContent('main'), /Đã công khai trên Cổng/);
  await checkAccessibility('can-bo-cong-khai', office);
  await shot('can-bo-cong-khai', office);

  // The sender reads the answer, is not satisfied, asks to reconsider.
  await page.reload();
  await visible('#tra-loi');
  assert.match(await page.textContent('#tra-loi'), /không yêu cầu sổ hộ khẩu/);
  assert.match(await page.textContent('#tra-loi'), /đã công khai/);
  await visible('#xem-xet-lai');
  await checkAccessibility('tra-loi');
  await shot('tra-loi');
  await page.fill('#ly-do-xem-xet-lai', 'Tuần này cán bộ vẫn yêu cầu bản sao sổ hộ khẩu.');
  await page.click('#xem-xet-lai button[type=submit]');
  await page.waitForFunction(() => document.getElementById('trang-thai').textContent.includes('Đã gửi đề nghị xem xét lại'));
  assert.match(await page.textContent('#chi-tiet'), /Lần 2/);
  await signInAs('Cán bộ một cửa (demo)');
  await office.goto(`${base}/can-bo/#/phan-anh?queue=open`);
  await office.waitForSelector(`a:text("${code}")`);

  // The sender was told of each step (the dev server's outbox shows what was "sent").
  const told = [': đã được tiếp nhận', ': cần bổ sung thông tin', ': đã được trả lời', ': câu trả lời đã được công khai',
    ': đề nghị xem xét lại đã được tiếp nhận'].map((s) => `Kiến nghị ${code}${s}`);
  for (let tries = 0; ; tries++) {
    await page.goto(base + '/dev/outbox');
    const outbox = await page.textContent('body');
    const missing = told.filter((subject) => !outbox.includes(subject));
    if (!missing.length) break;
    assert.ok(tries < 20, `not told: ${missing.join('; ')}`);
    await page.waitForTimeout(500);
  }

  // Signed in: a petition about the agency with a file, then "my petitions".
  await page.goto(base + '/gui-phan-anh/');
  await visible('#bieu-mau');
  await page.click('#dang-nhap');
  await page.click('text=Công dân thử nghiệm');
  await visible('#tep-o');
  await page.setInputFiles('#tep', photo);
  await page.waitForFunction(() => document.getElementById('tep-danh-sach').textContent.includes('đã tải lên'));
  await page.fill('#tieu-de', 'Quầy tiếp nhận đóng cửa sớm');
  await page.fill('#noi-dung-phan-anh', 'Chiều thứ Sáu tuần trước quầy đóng cửa lúc 16:00, trước giờ làm việc.');
  await page.fill('#ho-ten', 'Công dân thử nghiệm');
  await page.fill('#dien-thoai', '0912345678');
  await page.click('#gui');
  await visible('#da-gui');
  const mine = (await page.textContent('#ma-phan-anh')).trim();
  await page.goto(base + '/tra-cuu-phan-anh/');
  await page.waitForSelector('#danh-sach li');
  assert.match(await page.textContent('#danh-sach'), new RegExp(mine));
  await page.click(`#danh-sach a:text("${mine}")`);
  await visible('#ket-qua');
  assert.match(await page.textContent('#chi-tiet'), /anh-chup\.pdf/);
  await shot('cua-toi');
  await checkAccessibility('cua-toi');
  assert.deepEqual(errors, []);
  assert.deepEqual(violations, [], 'no serious or critical accessibility problem');
  console.log(`petition: ${code} sent and followed without an account; ${mine} sent with a file and listed; ${step} screenshots in ${shots}`);
} catch (error) {
  await shot('loi');
  throw error;
} finally {
  await browser.close();
}
