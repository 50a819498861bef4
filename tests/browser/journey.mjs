// A citizen's online journey on a 375-px phone against the local portal
// (devserver: the site, the API, local DynamoDB/S3 and the development
// identity provider): find the procedure, sign in, be told what is missing,
// upload papers (a wrong file is refused with a reason), check the answers,
// submit, see the code and its QR code, follow the dossier, then answer the
// agency's supplement request on a demo dossier.
// Usage: node journey.mjs <portal url> <screenshot dir>
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, phone } from './chromium.mjs';

const [base, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const pdf = join(shots, 'giay-to.pdf');
writeFileSync(pdf, '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const text = join(shots, 'ghi-chu.txt');
writeFileSync(text, 'không phải PDF');

const browser = await launch();
const page = await (await browser.newContext(phone)).newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));
let step = 0;
const shot = async (name) => page.screenshot({ path: join(shots, `${String(++step).padStart(2, '0')}-${name}.png`), fullPage: true });
const visible = (selector) => page.waitForSelector(`${selector}:not([hidden])`, { timeout: 15000 });
const current = 'section[data-step]:not([hidden]), section[data-check]:not([hidden])';

try {
  // Find the procedure from the home page: field → procedure.
  await page.goto(base + '/');
  await page.click('a[href$="/linh-vuc/dang-ky-quan-ly-cu-tru/"]');
  await page.click('a[href$="/thu-tuc/1-010041/"]');
  assert.match(await page.textContent('h1'), /Xác nhận thông tin về cư trú/);
  await shot('thu-tuc');
  await page.click('.cta a.button');

  // Sign in with the development identity provider.
  await visible('#dang-nhap');
  await page.click('#dang-nhap button');
  await page.click('text=Công dân thử nghiệm');
  await visible('#bieu-mau');
  await shot('nguoi-nop');

  // Nothing filled in: the summary names every missing answer and takes the focus.
  await page.click('#tiep-tuc');
  await visible('#loi');
  assert.equal(await page.$$eval('#loi li', (items) => items.length), 4);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'loi');
  await shot('loi-nguoi-nop');
  await page.fill('#ho-ten', 'Nguyễn Thị Bình');
  await page.fill('#so-dinh-danh', '001190012345');
  await page.fill('#dien-thoai', '0912 345 678');
  await page.fill('#thu-dien-tu', 'binh@example.com');
  await page.fill('#dia-chi', 'Số 8 phố Hàng Bài, Hà Nội');
  await page.click('#tiep-tuc');

  // Each paper on its own page; required ones need a file.
  let uploaded = 0;
  for (let guard = 0; guard < 30; guard++) {
    const heading = await page.textContent(`${current} h2`);
    if (!heading.startsWith('Giấy tờ')) break;
    const hint = await page.textContent(`${current} .hint`);
    if (hint.startsWith('Bắt buộc')) {
      if (uploaded === 0) {
        await page.setInputFiles(`${current} input[type=file]`, text);
        await page.waitForSelector(`${current} .field-error`);
        assert.match(await page.textContent(`${current} .field-error`), /chỉ nhận tệp PDF/);
        await shot('tep-sai');
      }
      await page.setInputFiles(`${current} input[type=file]`, pdf);
      await page.waitForFunction((s) => document.querySelector(s).textContent.includes('đã tải lên'), `${current} ul`);
      uploaded++;
    }
    await page.click('#tiep-tuc');
  }
  assert.ok(uploaded >= 2, `uploaded ${uploaded} required papers`);

  await page.check('#nhan-tai-mot-cua');
  await page.click('#tiep-tuc');
  await visible('#tom-tat');
  assert.match(await page.textContent('#tom-tat'), /Nguyễn Thị Bình/);
  await shot('kiem-tra');
  await page.click('#nop-ho-so');
  await visible('#da-nop');
  const code = (await page.textContent('#ma-ho-so')).trim();
  assert.match(code, /^000\.00\.01\.H29-\d{6}-\d{4}$/);
  await page.waitForFunction(() => document.getElementById('ma-qr').naturalWidth > 0);
  await shot('da-nop');

  // Follow it: the link carries the tracking secret in its fragment.
  await page.click('#lien-ket-tra-cuu');
  await visible('#ket-qua');
  assert.match(await page.textContent('#ket-qua'), /Mới đăng ký/);
  await shot('tra-cuu');

  // My dossiers lists it; the demo dossier awaiting a supplement gets one.
  await page.goto(base + '/ho-so-cua-toi/');
  await page.waitForSelector('#danh-sach li');
  assert.match(await page.textContent('#danh-sach'), new RegExp(code.replace(/\./g, '\\.')));
  await shot('ho-so-cua-toi');
  const waiting = await page.$$eval('#danh-sach li', (items) =>
    items.filter((li) => li.textContent.includes('Yêu cầu bổ sung')).map((li) => li.querySelector('a').href));
  assert.equal(waiting.length, 1, 'one demo dossier awaits a supplement');
  await page.goto(waiting[0]);
  await visible('#bo-sung');
  await page.setInputFiles('#tep-bo-sung', pdf);
  await page.waitForFunction(() => document.querySelector('#bo-sung ul').textContent.includes('đã tải lên'));
  await page.fill('#ghi-chu-bo-sung', 'Đã chụp lại rõ nét.');
  await page.click('#bo-sung button[type=submit]');
  await page.waitForFunction(() => document.getElementById('trang-thai').textContent.includes('Đã gửi'));
  assert.match(await page.textContent('#ket-qua'), /Đang xử lý/);
  await shot('bo-sung');
  assert.deepEqual(errors, []);
  console.log(`journey: dossier ${code} submitted, tracked, listed; supplement sent; ${step} screenshots in ${shots}`);
} catch (error) {
  await shot('loi');
  throw error;
} finally {
  await browser.close();
}
