// Sending a feedback or petition (phản ánh, kiến nghị): one page, the topic
// preset from the link that led here (`?thu-tuc=CODE` from a procedure page,
// `?ho-so=CODE` from a dossier's tracking page). Anyone may send one with a
// contact; files need sign-in, as for dossiers (the same presigned uploads).
// It is sent once, with an idempotency key, so a double tap or a retry after
// a dropped connection never makes two. The code and the tracking secret are
// shown once, with the advice to keep them.
import { api, element, Problem, showErrors, signedIn, signIn, sizeText, uploadWithRow } from './portal.js';

const app = document.getElementById('ung-dung');
const form = document.getElementById('bieu-mau');
const summary = document.getElementById('loi');
const status = document.getElementById('trang-thai');
const params = new URLSearchParams(location.search);

const FIELDS = {
  kind: 'loai', 'about.kind': 've', 'about.code': null, agency: 'co-quan', title: 'tieu-de', content: 'noi-dung-phan-anh',
  'contact.full_name': 'ho-ten', 'contact.phone': 'dien-thoai', 'contact.email': 'thu-dien-tu', 'contact.address': 'dia-chi',
  files: 'tep',
};
const KEY = 'dvc.idempotency.pakn';

let limits;
/** [{ name, size, upload_id }] */
let files = [];

const value = (id) => document.getElementById(id).value.trim();
const about = () => form.elements.ve.value;
const codeField = () => (about() === 'procedure' ? 'ma-thu-tuc' : 'ma-ho-so');
/** 5000 → "5.000", as Vietnamese writes numbers. */
const thousands = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');

function markField(id, text) {
  const input = document.getElementById(id);
  const group = input.closest('.field');
  group.classList.add('has-error');
  let message = group.querySelector('.field-error');
  if (!message) {
    message = element('span', { class: 'field-error', id: id + '-loi' });
    input.before(message);
    input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), id + '-loi'].filter(Boolean).join(' '));
  }
  message.textContent = text;
}

function clearMarks() {
  for (const group of form.querySelectorAll('.has-error')) {
    group.classList.remove('has-error');
    group.querySelector('.field-error')?.remove();
  }
  showErrors(summary, []);
}

function report(problems) {
  for (const p of problems) if (p.target && document.getElementById(p.target)?.closest('.field')) markField(p.target, p.text);
  showErrors(summary, problems);
}

function check() {
  const problems = [];
  if ((about() === 'procedure' || about() === 'dossier') && !value(codeField())) {
    problems.push({ text: about() === 'procedure' ? 'Nhập mã thủ tục.' : 'Nhập mã hồ sơ.', target: codeField() });
  }
  if (about() === 'dossier' && value('ma-ho-so') && !/^[0-9A-Za-z.]+-\d{6}-\d{4,5}$/.test(value('ma-ho-so'))) {
    problems.push({ text: 'Mã hồ sơ chưa đúng, ví dụ 000.00.01.H29-260603-0001.', target: 'ma-ho-so' });
  }
  if (!value('tieu-de')) problems.push({ text: 'Nhập tiêu đề phản ánh, kiến nghị.', target: 'tieu-de' });
  if (!value('noi-dung-phan-anh')) problems.push({ text: 'Nhập nội dung phản ánh, kiến nghị.', target: 'noi-dung-phan-anh' });
  if (!value('ho-ten')) problems.push({ text: 'Nhập họ và tên để cơ quan trả lời bạn.', target: 'ho-ten' });
  if (!value('dien-thoai')) problems.push({ text: 'Nhập số điện thoại để nhận thông báo.', target: 'dien-thoai' });
  else if (!/^(\+84|0)\d{9,10}$/.test(value('dien-thoai').replace(/[\s.]/g, ''))) {
    problems.push({ text: 'Số điện thoại chưa đúng, ví dụ 0912 345 678.', target: 'dien-thoai' });
  }
  if (value('thu-dien-tu') && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value('thu-dien-tu'))) {
    problems.push({ text: 'Địa chỉ thư điện tử chưa đúng, ví dụ ten@example.com.', target: 'thu-dien-tu' });
  }
  if (document.querySelector('#tep-danh-sach [data-uploading]')) problems.push({ text: 'Chờ các tệp tải lên xong.', target: 'tep' });
  return problems;
}

/** Shows the code box of the chosen topic, and the agency list where the agency is the sender's to choose. */
function showTopic() {
  document.getElementById('o-thu-tuc').hidden = about() !== 'procedure';
  document.getElementById('o-ho-so').hidden = about() !== 'dossier';
  // A dossier's agency is the one that received it.
  document.getElementById('o-co-quan').hidden = about() === 'dossier' || limits.agencies.length < 2;
}

function idempotencyKey() {
  let key = sessionStorage.getItem(KEY);
  if (!key) {
    key = crypto.randomUUID();
    sessionStorage.setItem(KEY, key);
  }
  return key;
}

async function send(file, list) {
  if (files.length >= limits.max_files) {
    showErrors(summary, [{ text: `Đính kèm tối đa ${limits.max_files} tệp.`, target: 'tep' }]);
    return;
  }
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const { id, row } = await uploadWithRow(list, file, file.name, limits, total, { 'data-uploading': 'true' });
  if (!id) return;
  const entry = { name: file.name, size: file.size, upload_id: id };
  files.push(entry);
  const remove = element('button', { type: 'button', class: 'secondary', text: 'Xóa' });
  remove.addEventListener('click', () => {
    files = files.filter((f) => f !== entry);
    row.remove();
  });
  row.append(remove);
}

async function submit(event) {
  event.preventDefault();
  clearMarks();
  const problems = check();
  if (problems.length) return report(problems);
  const button = document.getElementById('gui');
  button.disabled = true;
  status.textContent = 'Đang gửi…';
  const kind = about();
  try {
    const receipt = await api('/phan-anh', {
      method: 'POST',
      headers: { 'Idempotency-Key': idempotencyKey() },
      body: {
        kind: form.elements.loai.value,
        about: { kind, code: kind === 'agency' ? null : value(codeField()) },
        agency: kind === 'dossier' ? null : document.getElementById('co-quan').value || null,
        title: value('tieu-de'),
        content: value('noi-dung-phan-anh'),
        contact: { full_name: value('ho-ten'), phone: value('dien-thoai').replace(/[\s.]/g, ''),
          email: value('thu-dien-tu') || null, address: value('dia-chi') || null },
        publish_consent: document.getElementById('cong-khai').checked,
        files: files.map((f) => f.upload_id),
      },
    });
    sessionStorage.removeItem(KEY);
    confirmation(receipt);
  } catch (error) {
    button.disabled = false;
    status.textContent = '';
    const text = error instanceof Problem ? error.message : 'Đã có lỗi xảy ra. Vui lòng thử lại.';
    const target = error.field === 'about.code' ? codeField() : FIELDS[error.field];
    report([{ text, target }]);
  }
}

function confirmation(receipt) {
  form.hidden = true;
  document.getElementById('ve-viec').hidden = true;
  const done = document.getElementById('da-gui');
  document.getElementById('ma-phan-anh').textContent = receipt.code;
  document.getElementById('ma-tra-cuu').textContent = receipt.tracking_secret;
  document.getElementById('han-tra-loi').textContent = receipt.deadlines.answer_by ? receipt.deadlines.answer_by.text : '';
  document.getElementById('loi-nhan').textContent = receipt.message;
  // The secret stays in the fragment: it never reaches a server in a URL.
  const link = document.getElementById('lien-ket-theo-doi');
  link.href = `${link.getAttribute('href')}?ma=${encodeURIComponent(receipt.code)}#${encodeURIComponent(receipt.tracking_secret)}`;
  done.hidden = false;
  status.textContent = 'Đã gửi phản ánh, kiến nghị ' + receipt.code;
  done.querySelector('h2').focus();
}

/** The topic the link named: a procedure (its name shown) or a dossier. */
async function preset() {
  const procedure = params.get('thu-tuc');
  const dossier = params.get('ho-so');
  const lead = document.getElementById('ve-viec');
  if (procedure) {
    form.elements.ve.value = 'procedure';
    document.getElementById('ma-thu-tuc').value = procedure;
    try {
      const found = await api('/procedures/' + encodeURIComponent(procedure));
      lead.textContent = 'Về thủ tục: ' + found.name;
      lead.hidden = false;
    } catch {
      // The code stays in its box; the API names the problem on sending.
    }
  } else if (dossier) {
    form.elements.ve.value = 'dossier';
    document.getElementById('ma-ho-so').value = dossier;
    lead.textContent = 'Về hồ sơ: ' + dossier;
    lead.hidden = false;
  }
}

function offerFiles() {
  if (!signedIn()) {
    document.getElementById('dang-nhap').addEventListener('click', () => signIn().catch((e) => report([{ text: e.message }])));
    return;
  }
  document.getElementById('tep-dang-nhap').hidden = true;
  document.getElementById('tep-o').hidden = false;
  document.getElementById('tep-goi-y').textContent =
    `PDF, JPG, PNG, DOCX hoặc XLSX; mỗi tệp tối đa ${sizeText(limits.max_file_bytes)}, tối đa ${limits.max_files} tệp.`;
  const input = document.getElementById('tep');
  const list = document.getElementById('tep-danh-sach');
  input.addEventListener('change', () => {
    for (const file of input.files) send(file, list);
    input.value = '';
  });
}

async function start() {
  try {
    limits = await api('/phan-anh/bieu-mau');
  } catch (error) {
    status.textContent = error.message;
    return;
  }
  for (const span of form.querySelectorAll('[data-han]')) {
    const key = span.dataset.han;
    span.textContent = key === 'max_text_text' ? thousands(limits.max_text) : limits[key];
  }
  document.getElementById('tieu-de').maxLength = limits.max_title;
  const content = document.getElementById('noi-dung-phan-anh');
  content.maxLength = limits.max_text;
  const counter = document.getElementById('dem-ky-tu');
  content.addEventListener('input', () => {
    counter.textContent = `Còn ${thousands(limits.max_text - content.value.length)} ký tự.`;
  });
  document.getElementById('co-quan').replaceChildren(...limits.agencies.map((a) =>
    element('option', { value: a.code, text: a.name, selected: a.code === limits.default_agency })));
  await preset();
  for (const radio of form.elements.ve) radio.addEventListener('change', showTopic);
  showTopic();
  offerFiles();
  form.addEventListener('submit', submit);
  form.hidden = false;
  status.textContent = '';
}

start().finally(() => { app.dataset.ready = 'true'; });
