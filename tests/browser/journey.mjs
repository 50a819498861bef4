// Whole journeys in headless Chromium against the local portal (devserver:
// the site, the API, local DynamoDB/S3, the development identity provider)
// with the national portal in the loop (the conformance peer the devserver
// syncs with). The citizen is on a 375-px phone, the officials at a desktop
// in the back office (/can-bo/); both follow one dossier from start to end.
//
// A. Online: the citizen finds the procedure from the home page by search
//    and by browsing, signs in, is told what is missing, has a wrong file
//    refused, uploads two papers, submits, sees the code and its QR code and
//    follows the dossier. The desk receives that dossier and routes it; the
//    specialist takes it up and asks for a supplement; the citizen sees the
//    request and supplements; the specialist submits it, the department head
//    approves it with a result number and file, the desk returns the result
//    electronically. The citizen sees the result, rates the service and reads
//    the status history.
// B. At the counter: the desk receives a dossier on paper and prints Mẫu 01;
//    the citizen follows it on the phone with the code and tracking secret
//    they were given; the officials process and return it; the citizen rates.
// Then the leader reads the supervision dashboard; one screen at tablet width.
//
// After each journey (and once during A) the national portal must hold the
// dossier as we do: the same status and every step, received in order.
// Every back-office screen and the citizen's tracking page are checked with
// axe-core; a screenshot of each step is kept in <screenshot dir>.
// Usage: node journey.mjs <portal url> <screenshot dir> <national portal peer url>
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, phone } from './chromium.mjs';
import { heldByPeer, peerDossier } from './national.mjs';
import { backOffice, camera, checkAccessibility, rate, shownHistory, tracked } from './steps.mjs';

const [base, shots, peer] = process.argv.slice(2);
assert.ok(base && shots && peer, 'usage: node journey.mjs <portal url> <screenshot dir> <national portal peer url>');
mkdirSync(shots, { recursive: true });
// The screenshots of this run only.
for (const name of readdirSync(shots)) if (name.endsWith('.png')) rmSync(join(shots, name));
const pdf = (name, text) => {
  const path = join(shots, name);
  writeFileSync(path, `%PDF-1.4\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
  return path;
};
const papers = [pdf('to-khai-ct01.pdf', 'to khai'), pdf('giay-to-kem-theo.pdf', 'kem theo')];
const supplement = pdf('to-khai-ct01-chup-lai.pdf', 'chup lai');
const resultFile = pdf('giay-xac-nhan-cu-tru.pdf', 'ket qua');
const text = join(shots, 'ghi-chu.txt');
writeFileSync(text, 'không phải PDF');

const browser = await launch();
const errors = [];
const violations = [];
const watch = (page) => { page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`)); return page; };
const citizen = watch(await (await browser.newContext(phone)).newPage());
const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
const office = backOffice(watch(await desktop.newPage()), base);
const { take, count } = camera(shots);
const shot = (name) => take(citizen, `cong-dan-${name}`);
const officeShot = (name) => take(office.page, `can-bo-${name}`);
const visible = (selector) => citizen.waitForSelector(`${selector}:not([hidden])`, { timeout: 15000 });
const current = 'section[data-step]:not([hidden]), section[data-check]:not([hidden])';
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const log = [];

/** The citizen's tracking page shows `status` (its label) for the dossier. */
async function seesStatus(label) {
  await citizen.waitForFunction((l) => document.querySelector('#ket-qua:not([hidden]) #chi-tiet')?.textContent.includes(l), label);
}

/** The officials' side of processing: route, take up, (supplement), submit, approve, return. */
async function routed(code) {
  await office.act('Tiếp nhận');
  assert.match(await office.status(), /Được tiếp nhận/);
  await office.act('Chuyển phòng xử lý');
  assert.match(await office.status(), /Đã chuyển phòng chuyên môn/);
}
async function takenUp(code) {
  await office.signInAs('Chuyên viên cư trú (demo)');
  await office.openFromQueue('Chờ phân công', code);
  await office.act('Nhận xử lý');
  assert.match(await office.status(), /Đang xử lý/);
}
async function approvedAndReturned(code, { resultNumber, file, delivery }) {
  await office.act('Trình phê duyệt', (form) => office.page.fill(`${form} textarea >> nth=0`, 'Đủ điều kiện giải quyết.'));
  assert.match(await office.status(), /chờ lãnh đạo phê duyệt/);
  await officeShot('trinh-phe-duyet');

  await office.signInAs('Trưởng Công an xã (demo)');
  await office.openFromQueue('Chờ phê duyệt', code);
  await office.act('Phê duyệt', async (form) => {
    await office.page.fill(`${form} input[required]`, resultNumber);
    if (file) await office.page.setInputFiles(`${form} input[type=file]`, file);
  });
  assert.match(await office.status(), /Đã xử lý xong/);
  assert.match(await office.status(), new RegExp(escape(resultNumber)));
  if (file) assert.match(await office.page.textContent('main'), new RegExp(`Kết quả ${escape(resultNumber)}: giay-xac-nhan-cu-tru\\.pdf`));
  await officeShot('phe-duyet');

  await office.signInAs('Cán bộ một cửa (demo)');
  await office.openFromQueue('Bộ phận một cửa', code);
  await office.act('Trả kết quả', (form) => office.page.selectOption(`${form} select`, delivery));
  assert.match(await office.status(), /Đã trả kết quả/);
}

try {
  // ---------- A. An online dossier ----------
  // The home page: search finds the procedure…
  await citizen.goto(base + '/');
  await citizen.fill('#tim-thu-tuc', 'xác nhận thông tin cư trú');
  await citizen.press('#tim-thu-tuc', 'Enter');
  await citizen.waitForURL(/\/tim-kiem\/\?q=/);
  const found = citizen.locator('#ket-qua li a[href$="/thu-tuc/1-010041/"]').first();
  await found.waitFor();
  assert.match(await found.textContent(), /Xác nhận thông tin về cư trú/);
  await shot('tim-kiem');
  // …and so does browsing: home page → field → procedure.
  await citizen.goto(base + '/');
  await citizen.click('a[href$="/linh-vuc/dang-ky-quan-ly-cu-tru/"]');
  await citizen.click('a[href$="/thu-tuc/1-010041/"]');
  assert.match(await citizen.textContent('h1'), /Xác nhận thông tin về cư trú/);
  await shot('thu-tuc');
  await citizen.click('.cta a.button');

  // Sign in with the development identity provider.
  await visible('#dang-nhap');
  await citizen.click('#dang-nhap button');
  await citizen.click('text=Công dân thử nghiệm');
  await visible('#bieu-mau');
  await shot('nguoi-nop');

  // Nothing filled in: the summary names every missing answer and takes the focus.
  await citizen.click('#tiep-tuc');
  await visible('#loi');
  assert.equal(await citizen.$$eval('#loi li', (items) => items.length), 4);
  assert.equal(await citizen.evaluate(() => document.activeElement.id), 'loi');
  await shot('loi-nguoi-nop');
  await citizen.fill('#ho-ten', 'Nguyễn Thị Bình');
  await citizen.fill('#so-dinh-danh', '001190012345');
  await citizen.fill('#dien-thoai', '0912 345 678');
  await citizen.fill('#thu-dien-tu', 'binh@example.com');
  await citizen.fill('#dia-chi', 'Số 8 phố Hàng Bài, Hà Nội');
  await citizen.click('#tiep-tuc');

  // Each paper on its own page; the required one gets two files (a wrong one refused first).
  // The agency's note listed among the papers ("Lưu ý: …") asks for no upload.
  let uploaded = 0;
  let pages = 0;
  for (let guard = 0; guard < 30; guard++) {
    const heading = await citizen.textContent(`${current} h2`);
    if (!heading.startsWith('Giấy tờ')) break;
    pages++;
    const hint = await citizen.textContent(`${current} .hint`);
    if (hint.startsWith('Bắt buộc')) {
      await citizen.setInputFiles(`${current} input[type=file]`, text);
      await citizen.waitForSelector(`${current} .field-error`);
      assert.match(await citizen.textContent(`${current} .field-error`), /chỉ nhận tệp PDF/);
      await shot('tep-sai');
      for (const paper of papers) {
        await citizen.setInputFiles(`${current} input[type=file]`, paper);
        await citizen.waitForFunction(([s, n]) => document.querySelector(s).textContent.split('đã tải lên').length > n,
          [`${current} ul`, uploaded + 1]);
        uploaded++;
      }
    }
    await citizen.click('#tiep-tuc');
  }
  assert.equal(pages, 1, 'one paper to upload: the note is not a page of its own');
  assert.equal(uploaded, 2, 'the required paper, in two files');

  // The result: electronically, on the portal.
  await citizen.check('input[name=cach-nhan][value=online]');
  await citizen.click('#tiep-tuc');
  await visible('#tom-tat');
  assert.match(await citizen.textContent('#tom-tat'), /Nguyễn Thị Bình/);
  assert.match(await citizen.textContent('#tom-tat'), /to-khai-ct01\.pdf[\s\S]*giay-to-kem-theo\.pdf/);
  assert.match(await citizen.textContent('.mang-theo'), /Lưu ý: Khi nộp hồ sơ trực tuyến/, 'the note is read before sending');
  await shot('kiem-tra');
  await citizen.click('#nop-ho-so');
  await visible('#da-nop');
  const online = (await citizen.textContent('#ma-ho-so')).trim();
  const onlineSecret = (await citizen.textContent('#ma-tra-cuu')).trim();
  assert.match(online, /^000\.00\.01\.H29-\d{6}-\d{4}$/);
  await citizen.waitForFunction(() => document.getElementById('ma-qr').naturalWidth > 0);
  await shot('da-nop');

  // Follow it: the link carries the tracking secret in its fragment.
  await citizen.click('#lien-ket-tra-cuu');
  await visible('#ket-qua');
  await seesStatus('Mới đăng ký');
  await shot('tra-cuu');
  log.push(await heldByPeer(peer, await tracked(base, online, onlineSecret)));

  // My dossiers lists it.
  await citizen.goto(base + '/ho-so-cua-toi/');
  await citizen.waitForSelector('#danh-sach li');
  assert.match(await citizen.textContent('#danh-sach'), new RegExp(escape(online)));
  await shot('ho-so-cua-toi');

  // The desk finds that dossier in its queue, receives it and routes it.
  await office.signInAs('Cán bộ một cửa (demo)');
  await office.page.waitForSelector('table.grid tbody tr td a');
  await checkAccessibility(office.page, 'hàng đợi', violations);
  await officeShot('hang-doi-mot-cua');
  await office.openFromQueue('Bộ phận một cửa', online);
  assert.match(await office.status(), /Nguyễn Thị Bình/);
  assert.match(await office.page.textContent('main'), /to-khai-ct01\.pdf[\s\S]*giay-to-kem-theo\.pdf/);
  await checkAccessibility(office.page, 'hồ sơ', violations);
  await officeShot('ho-so-truc-tuyen');
  await routed(online);
  await officeShot('da-chuyen-phong');

  // The specialist takes it up and asks for a supplement.
  await takenUp(online);
  const asked = 'Tờ khai CT01 chụp chưa rõ chữ ký, đề nghị chụp lại.';
  await office.act('Yêu cầu bổ sung (Mẫu 02)', (form) => office.page.fill(`${form} textarea[required]`, asked));
  assert.match(await office.status(), /Yêu cầu bổ sung/);
  await checkAccessibility(office.page, 'yêu cầu bổ sung', violations);
  await officeShot('yeu-cau-bo-sung');
  log.push(await heldByPeer(peer, await tracked(base, online, onlineSecret)));

  // The citizen sees what is asked and supplements it.
  await citizen.goto(`${base}/ho-so-cua-toi/`);
  await citizen.waitForSelector('#danh-sach li');
  await citizen.click(`#danh-sach a:has-text("${online}")`);
  await visible('#bo-sung');
  await seesStatus('Yêu cầu bổ sung');
  assert.match(await citizen.textContent('#chi-tiet'), new RegExp(escape(asked)));
  await shot('yeu-cau-bo-sung');
  await citizen.setInputFiles('#tep-bo-sung', supplement);
  await citizen.waitForFunction(() => document.querySelector('#bo-sung ul').textContent.includes('đã tải lên'));
  await citizen.fill('#ghi-chu-bo-sung', 'Đã chụp lại rõ nét.');
  await citizen.click('#bo-sung button[type=submit]');
  await citizen.waitForFunction(() => document.getElementById('trang-thai').textContent.includes('Đã gửi'));
  await seesStatus('Đang xử lý');
  await shot('da-bo-sung');

  // The specialist sees the new paper, submits; the head approves with the result; the desk returns it electronically.
  await office.signInAs('Chuyên viên cư trú (demo)');
  await office.openFromQueue('Hồ sơ được giao cho tôi', online);
  assert.match(await office.page.textContent('main'), /to-khai-ct01-chup-lai\.pdf \(\d+ KB\) — bổ sung lần 1/);
  assert.match(await office.page.textContent('main'), /Đã chụp lại rõ nét\./);
  await officeShot('da-bo-sung');
  await approvedAndReturned(online, { resultNumber: '125/XN-CA', file: resultFile, delivery: 'online' });
  assert.match(await office.page.textContent('main'), /Trả kết quả điện tử trên Cổng dịch vụ công/);
  await officeShot('tra-ket-qua');

  // The citizen sees the result, rates the service and reads the history.
  await citizen.reload();
  await seesStatus('Đã trả kết quả');
  assert.match(await citizen.textContent('#chi-tiet'), /Kết quả/);
  const [file] = await Promise.all([citizen.waitForEvent('download'), citizen.click('#ket-qua-tai-ve a')]);
  assert.equal(file.suggestedFilename(), 'giay-xac-nhan-cu-tru.pdf');
  await rate(citizen, 'very_satisfied', 'Cán bộ hướng dẫn bổ sung rõ ràng, nhận kết quả ngay trên điện thoại.');
  assert.match(await citizen.textContent('#danh-gia-trang-thai'), /Rất hài lòng|18\/18 điểm/);
  await checkAccessibility(citizen, 'tra cứu: kết quả và đánh giá', violations);
  await shot('ket-qua-danh-gia');
  const history = await shownHistory(citizen);
  const steps = ['Nộp hồ sơ trực tuyến', 'Tiếp nhận hồ sơ', 'Chuyển phòng chuyên môn xử lý', 'Chuyên viên bắt đầu xử lý',
    'Yêu cầu bổ sung, hoàn thiện hồ sơ', 'Bổ sung hồ sơ', 'Trình lãnh đạo phê duyệt', 'Phê duyệt kết quả', 'Trả kết quả'];
  assert.equal(history.length, steps.length, `history: ${history.join(' | ')}`);
  steps.forEach((s, i) => assert.ok(history[i].includes(s), `history step ${i + 1}: “${history[i]}” is “${s}”`));
  assert.match(history.at(-1), /Đã trả kết quả/);
  await citizen.locator('#lich-su').scrollIntoViewIfNeeded();
  await shot('lich-su');
  const onlineView = await tracked(base, online, onlineSecret);
  assert.equal(onlineView.status.code, 10);
  log.push(await heldByPeer(peer, onlineView));
  // The portal was sent the result document with its number.
  const results = (await peerDossier(peer, online)).DanhSachGiayToKetQua;
  assert.deepEqual(results.map((r) => [r.MaGiayToKetQua, r.TenGiayTo]), [['125/XN-CA', '125/XN-CA – giay-xac-nhan-cu-tru.pdf']]);

  // ---------- B. A dossier handed in at the counter ----------
  await office.page.click('#menu a:has-text("Tiếp nhận tại quầy")');
  await office.page.fill('#ma-thu-tuc', '1.004194');
  await office.page.click('button:has-text("Chọn thủ tục")');
  await office.page.waitForSelector('.paper-row');
  await office.page.fill('input[name=full_name]', 'Lê Thị Hoa');
  await office.page.fill('input[name=identity_number]', '036190001234');
  await office.page.fill('input[name=phone]', '0987654321');
  await office.page.fill('input[name=address]', 'Xóm 3, xã thử nghiệm');
  // Every paper of this procedure is for one case or another; she brings the declaration (CT01).
  // The agency's notes among the papers ("Lưu ý", "Ví dụ") are shown to read, not counted.
  assert.equal(await office.page.locator('.paper-row:has-text("Lưu ý")').count(), 0);
  await (await office.page.locator('.paper-row:has-text("Tờ khai thay đổi thông tin cư trú")').first().elementHandle()).$('input')
    .then((input) => input.fill('1'));
  await checkAccessibility(office.page, 'tiếp nhận', violations);
  await take(office.page, 'can-bo-tiep-nhan-tai-quay', false);
  const [slip] = await Promise.all([desktop.waitForEvent('page'), office.page.click('button:has-text("Tiếp nhận và in giấy hẹn")')]);
  await slip.waitForLoadState();
  const slipText = await slip.textContent('body');
  assert.match(slipText, /GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ/);
  assert.match(slipText, /Lê Thị Hoa/);
  assert.match(slipText, /Tờ khai thay đổi thông tin cư trú/, 'the paper handed in is listed');
  assert.doesNotMatch(slipText, /Lưu ý:/, 'a note is not listed as a paper');
  const counter = slipText.match(/Mã hồ sơ:\s*(000\.00\.01\.H29-\d{6}-\d{4})/)?.[1];
  assert.ok(counter, 'the receipt carries the dossier code');
  const due = slipText.match(/Thời gian trả kết quả giải quyết hồ sơ: (\d{2}) giờ (\d{2}) phút, ngày (\d{2}\/\d{2}\/\d{4})/);
  assert.ok(due, 'the receipt gives the appointment');
  const appointment = `${due[1]}:${due[2]} ngày ${due[3]}`;
  // What the citizen takes home: the code and the tracking secret, printed.
  const counterSecret = slipText.match(/mã tra cứu: ([A-Za-z0-9_-]+)/)?.[1];
  assert.ok(counterSecret, 'the receipt printed at the counter carries the tracking secret');
  await take(slip, 'can-bo-mau-01');
  await slip.close();
  await office.page.waitForSelector(`h1:has-text("Hồ sơ ${counter}")`);
  assert.match(await office.status(), /Được tiếp nhận/);
  // The desk is shown the same secret, on the dossier's screen too.
  await office.page.waitForFunction(() => document.getElementById('thong-bao').textContent.includes('Mã tra cứu cho công dân'));
  const notice = await office.page.textContent('#thong-bao');
  assert.equal(notice.match(/Mã tra cứu cho công dân: (\S+)/)?.[1], counterSecret, `the desk is shown the printed secret: ${notice}`);
  await officeShot('da-tiep-nhan-tai-quay');

  // The citizen, on another phone and not signed in, follows it with the code and secret of the paper.
  const walkIn = watch(await (await browser.newContext(phone)).newPage());
  const walkInShot = (name) => take(walkIn, `cong-dan-tai-quay-${name}`);
  await walkIn.goto(base + '/tra-cuu/');
  await walkIn.fill('#ma', counter);
  await walkIn.fill('#ma-tra-cuu-nhap', counterSecret);
  await walkIn.click('#tra-cuu button[type=submit]');
  await walkIn.waitForSelector('#ket-qua:not([hidden])');
  assert.match(await walkIn.textContent('#chi-tiet'), /Được tiếp nhận/);
  assert.match(await walkIn.textContent('#chi-tiet'), /Đăng ký tạm trú/);
  assert.match(await walkIn.textContent('#chi-tiet'), new RegExp(`Hẹn trả kết quả${appointment}`), 'the phone gives the appointment on the receipt');
  await walkInShot('tra-cuu');

  // No route is set up for this procedure: the desk chooses the department.
  await office.act('Chuyển phòng xử lý', (form) => office.page.selectOption(`${form} select`, { label: 'Công an xã (demo)' }));
  assert.match(await office.status(), /Đã chuyển phòng chuyên môn/);
  await takenUp(counter);
  await walkIn.click('#tra-cuu button[type=submit]');
  await walkIn.waitForFunction(() => document.getElementById('chi-tiet').textContent.includes('Đang xử lý'));
  await walkInShot('dang-xu-ly');
  await approvedAndReturned(counter, { resultNumber: '58/TT-CA', delivery: 'at_desk' });
  await officeShot('tra-ket-qua-tai-quay');

  // The register (Mẫu 06) lists it.
  await office.page.click('#menu a:has-text("Sổ theo dõi")');
  await office.page.waitForSelector('table.grid tbody tr');
  assert.match(await office.page.textContent('table.grid'), new RegExp(`${escape(counter)}[\\s\\S]*Lê Thị Hoa`));
  await checkAccessibility(office.page, 'sổ theo dõi', violations);
  await officeShot('so-theo-doi');

  await walkIn.click('#tra-cuu button[type=submit]');
  await walkIn.waitForFunction(() => document.getElementById('chi-tiet').textContent.includes('Đã trả kết quả'));
  await rate(walkIn, 'satisfied', 'Thủ tục nhanh.');
  assert.match(await walkIn.textContent('#danh-gia-trang-thai'), /Hài lòng/);
  const walkInHistory = await shownHistory(walkIn);
  assert.ok(walkInHistory[0].includes('Tiếp nhận hồ sơ tại bộ phận một cửa'), walkInHistory[0]);
  assert.ok(walkInHistory.at(-1).includes('Trả kết quả'), walkInHistory.at(-1));
  await walkInShot('ket-qua-danh-gia');
  const counterView = await tracked(base, counter, counterSecret);
  assert.equal(counterView.status.code, 10);
  log.push(await heldByPeer(peer, counterView));

  // ---------- The leader; one screen at tablet width ----------
  await office.page.goto(`${base}/can-bo/#/ho-so/${online}`);
  await office.page.waitForSelector(`h1:has-text("${online}")`);
  await office.page.setViewportSize({ width: 768, height: 1024 });
  await officeShot('ho-so-may-tinh-bang');
  await office.page.setViewportSize({ width: 1280, height: 900 });
  await office.signInAs('Chủ tịch UBND xã (demo)');
  await office.page.click('#menu a:has-text("Giám sát")');
  await office.page.waitForSelector('h2:has-text("Theo phòng")');
  assert.match(await office.page.textContent('main'), /Công an xã/);
  await checkAccessibility(office.page, 'giám sát', violations);
  await officeShot('giam-sat');

  assert.deepEqual(errors, []);
  assert.deepEqual(violations, []);
  for (const line of log) console.log(`journey: ${line}`);
  console.log(`journey: online dossier ${online} (with a supplement) and counter dossier ${counter} (Mẫu 01) processed, returned, rated, and held by the national portal as here; ${count()} screenshots in ${shots}`);
} catch (error) {
  await take(citizen, 'loi-cong-dan').catch(() => {});
  await take(office.page, 'loi-can-bo').catch(() => {});
  throw error;
} finally {
  await browser.close();
}
