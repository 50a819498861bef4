// Online submission, one thing per page (GOV.UK pattern): the applicant,
// then each paper of the dossier, then how to receive the result, then
// "check your answers". Files go straight to storage with a progress bar;
// the dossier is sent once, with an idempotency key, so a double tap or a
// retry after a dropped connection never makes two dossiers.
import { api, EXTENSIONS, element, Problem, showErrors, signedIn, signIn, sizeText, uploadWithRow } from './portal.js';

const app = document.getElementById('ung-dung');
const form = document.getElementById('bieu-mau');
const summary = document.getElementById('loi');
const status = document.getElementById('trang-thai');
const code = new URLSearchParams(location.search).get('thu-tuc');

const FIELDS = {
  'applicant.owner_type': 'loai-nguoi-nop', 'applicant.full_name': 'ho-ten', 'applicant.identity_number': 'so-dinh-danh',
  'applicant.phone': 'dien-thoai', 'applicant.email': 'thu-dien-tu', 'applicant.address': 'dia-chi',
  'result_delivery.method': 'nhan-tai-mot-cua', 'result_delivery.address': 'dia-chi-nhan',
};

let procedure;
let steps = [];
let at = 0;
/** component index → [{ name, size, upload_id }] */
const uploads = new Map();

function say(text) {
  status.textContent = text;
}

function fail(error) {
  const text = error instanceof Problem ? error.message : 'Đã có lỗi xảy ra. Vui lòng thử lại.';
  const target = error.field && FIELDS[error.field];
  if (target) {
    const index = steps.findIndex((s) => s.contains(document.getElementById(target)));
    if (index >= 0) show(index);
    markField(target, text);
  }
  showErrors(summary, [{ text, target }]);
}

function markField(id, text) {
  const input = document.getElementById(id);
  const group = input.closest('.field');
  group.classList.add('has-error');
  let message = group.querySelector('.field-error');
  if (!message) {
    message = element('span', { class: 'field-error', id: id + '-loi' });
    input.before(message);
    input.setAttribute('aria-describedby', id + '-loi');
  }
  message.textContent = text;
}

function clearMarks(step) {
  for (const group of step.querySelectorAll('.has-error')) {
    group.classList.remove('has-error');
    group.querySelector('.field-error')?.remove();
  }
  showErrors(summary, []);
}

function show(index) {
  steps.forEach((s, i) => { s.hidden = i !== index; });
  at = index;
  document.getElementById('quay-lai').hidden = index === 0;
  const last = index === steps.length - 1;
  document.getElementById('tiep-tuc').hidden = last;
  document.getElementById('nop-ho-so').hidden = !last;
  if (last) fillCheckAnswers();
  say(`Bước ${index + 1}/${steps.length}: ${steps[index].querySelector('h2').textContent}`);
  steps[index].querySelector('h2').focus();
}

const value = (id) => document.getElementById(id).value.trim();

function checkApplicant() {
  const problems = [];
  const need = [['ho-ten', 'Nhập họ và tên người nộp.'], ['so-dinh-danh', 'Nhập số định danh cá nhân hoặc mã số thuế.'],
    ['dien-thoai', 'Nhập số điện thoại để nhận thông báo.'], ['dia-chi', 'Nhập địa chỉ liên hệ.']];
  for (const [id, text] of need) if (!value(id)) problems.push({ text, target: id });
  if (value('so-dinh-danh') && !/^\d{10,13}(-\d{3})?$/.test(value('so-dinh-danh'))) {
    problems.push({ text: 'Số định danh gồm 12 chữ số; mã số thuế gồm 10 hoặc 13 chữ số.', target: 'so-dinh-danh' });
  }
  if (value('dien-thoai') && !/^(\+84|0)\d{9,10}$/.test(value('dien-thoai').replace(/[\s.]/g, ''))) {
    problems.push({ text: 'Số điện thoại chưa đúng, ví dụ 0912 345 678.', target: 'dien-thoai' });
  }
  if (value('thu-dien-tu') && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value('thu-dien-tu'))) {
    problems.push({ text: 'Địa chỉ thư điện tử chưa đúng, ví dụ ten@example.com.', target: 'thu-dien-tu' });
  }
  return problems;
}

function checkComponent(component) {
  const files = uploads.get(component.index) || [];
  if (component.requirement === 'required' && files.length === 0) {
    return [{ text: `Tải lên "${component.name}".`, target: 'tep-' + component.index }];
  }
  if (document.querySelector(`[data-uploading="${component.index}"]`)) {
    return [{ text: 'Chờ các tệp tải lên xong.', target: 'tep-' + component.index }];
  }
  return [];
}

function checkDelivery() {
  const method = form.elements['cach-nhan'].value;
  if (!method) return [{ text: 'Chọn cách nhận kết quả.', target: 'nhan-tai-mot-cua' }];
  if (method === 'post' && !value('dia-chi-nhan')) return [{ text: 'Nhập địa chỉ nhận kết quả qua bưu chính.', target: 'dia-chi-nhan' }];
  return [];
}

function componentStep(component, number, total) {
  const id = 'tep-' + component.index;
  const needed = component.requirement === 'required'
    ? 'Bắt buộc.'
    : `Chỉ nộp nếu bạn thuộc trường hợp: ${component.case || 'nêu trong tên giấy tờ'}.`;
  const counts = [component.originals !== undefined && `bản chính: ${component.originals}`, component.copies !== undefined && `bản sao: ${component.copies}`].filter(Boolean).join(', ');
  const list = element('ul', { class: 'plain', id: id + '-danh-sach' });
  const input = element('input', { type: 'file', id, multiple: true, accept: Object.keys(EXTENSIONS).map((e) => '.' + e).join(',') });
  input.addEventListener('change', () => {
    for (const file of input.files) send(file, component, list);
    input.value = '';
  });
  const section = element('section', { 'data-check': 'component' },
    element('h2', { tabindex: '-1', text: `Giấy tờ ${number}/${total}` }),
    element('p', { class: 'lead', text: component.name }),
    element('p', { class: 'hint', text: [needed, counts && `Số lượng: ${counts}.`].filter(Boolean).join(' ') }),
  );
  if (component.form_url) section.append(element('p', {}, 'Mẫu: ', element('a', { href: component.form_url, rel: 'noreferrer', text: component.form_name || 'tải mẫu' })));
  section.append(element('div', { class: 'field' },
    element('label', { for: id, text: 'Chọn tệp' }),
    element('span', { class: 'hint', text: `PDF, JPG, PNG, DOCX hoặc XLSX; mỗi tệp tối đa ${sizeText(procedure.max_file_bytes)}.` }),
    input), list);
  section.check = () => checkComponent(component);
  return section;
}

async function send(file, component, list) {
  const total = [...uploads.values()].flat().reduce((sum, f) => sum + f.size, 0);
  const { id, row } = await uploadWithRow(list, file, file.name, procedure, total, { 'data-uploading': component.index });
  if (!id) return;
  const entry = { name: file.name, size: file.size, upload_id: id };
  uploads.set(component.index, [...(uploads.get(component.index) || []), entry]);
  const remove = element('button', { type: 'button', class: 'secondary', text: 'Xóa' });
  remove.addEventListener('click', () => {
    uploads.set(component.index, (uploads.get(component.index) || []).filter((f) => f !== entry));
    row.remove();
  });
  row.append(remove);
}

function fillCheckAnswers() {
  const list = document.getElementById('tom-tat');
  const delivery = form.elements['cach-nhan'].value;
  const deliveryText = { at_desk: 'Tại Bộ phận Một cửa', post: 'Qua bưu chính: ' + value('dia-chi-nhan'), online: 'Bản điện tử trên cổng' }[delivery] || '';
  const rows = [['Thủ tục', procedure.name, null], ['Người nộp', `${value('ho-ten')} — ${value('so-dinh-danh')}`, 0],
    ['Liên hệ', [value('dien-thoai'), value('thu-dien-tu'), value('dia-chi')].filter(Boolean).join(' · '), 0]];
  steps.forEach((step, i) => {
    if (step.dataset.check !== 'component') return;
    const index = Number(step.querySelector('input[type=file]').id.slice(4));
    const files = uploads.get(index) || [];
    rows.push([step.querySelector('.lead').textContent, files.length ? files.map((f) => f.name).join(', ') : 'Không nộp', i]);
  });
  rows.push(['Nhận kết quả', deliveryText, steps.length - 2]);
  list.replaceChildren(...rows.flatMap(([term, text, step]) => {
    const dd = element('dd', { text });
    if (step !== null) {
      const change = element('a', { href: '#', text: ' Sửa' });
      change.addEventListener('click', (e) => { e.preventDefault(); show(step); });
      dd.append(change);
    }
    return [element('dt', { text: term }), dd];
  }));
}

function idempotencyKey() {
  const name = 'dvc.idempotency.' + procedure.code;
  let key = sessionStorage.getItem(name);
  if (!key) {
    key = crypto.randomUUID();
    sessionStorage.setItem(name, key);
  }
  return key;
}

async function submit(event) {
  event.preventDefault();
  const button = document.getElementById('nop-ho-so');
  button.disabled = true;
  say('Đang nộp hồ sơ…');
  const method = form.elements['cach-nhan'].value;
  try {
    const receipt = await api('/dossiers', {
      method: 'POST',
      headers: { 'Idempotency-Key': idempotencyKey() },
      body: {
        procedure_code: procedure.code,
        applicant: { owner_type: form.elements['loai-nguoi-nop'].value, full_name: value('ho-ten'), identity_number: value('so-dinh-danh'),
          phone: value('dien-thoai').replace(/[\s.]/g, ''), email: value('thu-dien-tu') || null, address: value('dia-chi') },
        summary: value('trich-yeu') || null,
        result_delivery: { method, address: method === 'post' ? value('dia-chi-nhan') : null },
        files: [...uploads.entries()].flatMap(([component, files]) => files.map((f) => ({ component, upload_id: f.upload_id }))),
      },
    });
    sessionStorage.removeItem('dvc.idempotency.' + procedure.code);
    confirmation(receipt);
  } catch (error) {
    button.disabled = false;
    fail(error);
  }
}

function confirmation(receipt) {
  form.hidden = true;
  const done = document.getElementById('da-nop');
  document.getElementById('ma-ho-so').textContent = receipt.code;
  document.getElementById('ma-qr').src = `/api/dossiers/${encodeURIComponent(receipt.code)}/qr.svg`;
  document.getElementById('hen-tra').textContent = receipt.appointment ? receipt.appointment.text : 'Sẽ báo khi hồ sơ được tiếp nhận.';
  document.getElementById('ma-tra-cuu').textContent = receipt.tracking_secret;
  document.getElementById('loi-nhan').textContent = receipt.message;
  document.getElementById('lien-ket-tra-cuu').href = receipt.tracking_url;
  done.hidden = false;
  say('Đã nộp hồ sơ ' + receipt.code);
  done.querySelector('h2').focus();
}

async function start() {
  if (!code) {
    status.replaceChildren('Chọn thủ tục cần nộp trong ', element('a', { href: '/thu-tuc/', text: 'danh mục thủ tục' }),
      ' rồi bấm "Nộp hồ sơ trực tuyến" trên trang thủ tục.');
    return;
  }
  try {
    procedure = await api('/procedures/' + encodeURIComponent(code));
  } catch (error) {
    say(error.message);
    return;
  }
  document.getElementById('ten-thu-tuc').textContent = procedure.name;
  if (!procedure.accepts_online) {
    say('Thủ tục này chưa nhận hồ sơ trực tuyến. Vui lòng nộp trực tiếp hoặc qua bưu chính.');
    return;
  }
  if (!signedIn()) {
    say('');
    const box = document.getElementById('dang-nhap');
    box.hidden = false;
    box.querySelector('button').addEventListener('click', () => signIn().catch(fail));
    return;
  }
  const uploadable = procedure.components.filter((c) => c.requirement !== 'present_only' && c.requirement !== 'note');
  const shown = procedure.components.filter((c) => c.requirement === 'present_only');
  const notes = procedure.components.filter((c) => c.requirement === 'note');
  const applicant = form.querySelector('[data-step="nguoi-nop"]');
  applicant.check = checkApplicant;
  const delivery = form.querySelector('[data-step="nhan-ket-qua"]');
  delivery.check = checkDelivery;
  const review = form.querySelector('[data-step="kiem-tra"]');
  review.check = () => [];
  if (shown.length) {
    review.querySelector('.mang-theo').append(element('p', { text: 'Mang theo bản chính để đối chiếu khi nhận kết quả: ' + shown.map((c) => c.name).join('; ') }));
  }
  // The agency's guidance listed among the papers: read before sending, nothing to upload.
  for (const note of notes) review.querySelector('.mang-theo').append(element('p', { class: 'luu-y', text: note.name }));
  const components = uploadable.map((c, i) => componentStep(c, i + 1, uploadable.length));
  delivery.before(...components);
  steps = [applicant, ...components, delivery, review];
  form.hidden = false;
  document.getElementById('quay-lai').addEventListener('click', () => { clearMarks(steps[at]); show(at - 1); });
  document.getElementById('tiep-tuc').addEventListener('click', () => {
    clearMarks(steps[at]);
    const problems = steps[at].check();
    for (const p of problems) if (document.getElementById(p.target)?.closest('.field')) markField(p.target, p.text);
    showErrors(summary, problems);
    if (!problems.length) show(at + 1);
  });
  form.addEventListener('submit', submit);
  for (const radio of form.elements['cach-nhan']) {
    radio.addEventListener('change', () => { document.getElementById('dia-chi-buu-chinh').hidden = form.elements['cach-nhan'].value !== 'post'; });
  }
  show(0);
}

start();
app.dataset.ready = 'true';
