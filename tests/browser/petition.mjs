// Feedback and petitions (PAKN) on a 375-px phone against the local portal:
// from a procedure page, send one without signing in (told what is missing
// first), keep the code and the tracking secret, follow it by the link and
// by typing both codes; then signed in, send one with a file and find it
// under "my petitions". Usage: node petition.mjs <portal url> <screenshot dir>
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
const page = await (await browser.newContext(phone)).newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));
let step = 0;
const shot = async (name) => page.screenshot({ path: join(shots, `${String(++step).padStart(2, '0')}-${name}.png`), fullPage: true });
const visible = (selector) => page.waitForSelector(`${selector}:not([hidden])`, { timeout: 15000 });
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const violations = [];

/** axe-core on the screen as it is now (the form, its errors, the receipt, the follow page). */
async function checkAccessibility(name) {
  await page.addScriptTag({ content: axeSource });
  const found = await page.evaluate(async () => (await window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  })).violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => `${v.id}: ${v.nodes.length}`));
  if (found.length) violations.push(`${name}: ${found.join(', ')}`);
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
