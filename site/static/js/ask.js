// Asking a question: about a procedure (from its page, `?thu-tuc=CODE`) or
// the agency in general, with a name and an e-mail address or phone number
// (not needed when signed in). Sent once with an idempotency key, so a
// double tap or a retry after a dropped connection makes one question.
import { api, element, Problem, showErrors, signedIn } from './portal.js';

const form = document.getElementById('dat-cau-hoi');
const summary = document.getElementById('loi');
const status = document.getElementById('trang-thai');
const FIELDS = {
  'about.kind': 've-thu-tuc', 'about.code': 'ma-thu-tuc', title: 'tieu-de', question: 'noi-dung-cau-hoi',
  'contact.full_name': 'ho-ten', 'contact.email': 'thu-dien-tu', 'contact.phone': 'dien-thoai', agency: 've-thu-tuc',
};
const value = (id) => document.getElementById(id).value.trim();
const about = () => form.elements.ve.value;
/** One key per question being written: a resend of the same question returns the first. */
let key = crypto.randomUUID();

function mark(id, text) {
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

function clear() {
  for (const group of form.querySelectorAll('.has-error')) {
    group.classList.remove('has-error');
    group.querySelector('.field-error')?.remove();
  }
  showErrors(summary, []);
}

function check() {
  const problems = [];
  if (about() === 'procedure' && !value('ma-thu-tuc')) problems.push({ text: 'Nhập mã thủ tục, hoặc chọn hỏi về cơ quan, đơn vị.', target: 'ma-thu-tuc' });
  if (!value('tieu-de')) problems.push({ text: 'Nhập tiêu đề câu hỏi.', target: 'tieu-de' });
  if (!value('noi-dung-cau-hoi')) problems.push({ text: 'Nhập nội dung câu hỏi.', target: 'noi-dung-cau-hoi' });
  if (!value('ho-ten')) problems.push({ text: 'Nhập họ và tên.', target: 'ho-ten' });
  if (!signedIn() && !value('thu-dien-tu') && !value('dien-thoai')) {
    problems.push({ text: 'Nhập thư điện tử hoặc số điện thoại để nhận câu trả lời.', target: 'thu-dien-tu' });
  }
  return problems;
}

function showProcedureField() {
  document.getElementById('o-thu-tuc').hidden = about() !== 'procedure';
}

async function nameProcedure(code) {
  const name = document.getElementById('ten-thu-tuc');
  name.textContent = '';
  if (!code) return;
  try {
    const procedure = await api('/procedures/' + encodeURIComponent(code));
    name.textContent = procedure.name;
  } catch {
    name.textContent = 'Không tìm thấy thủ tục có mã này.';
  }
}

async function send(event) {
  event.preventDefault();
  clear();
  const problems = check();
  if (problems.length) {
    problems.forEach((p) => mark(p.target, p.text));
    return showErrors(summary, problems);
  }
  const optional = (id) => value(id) || null;
  const body = {
    about: about() === 'procedure' ? { kind: 'procedure', code: value('ma-thu-tuc') } : { kind: 'agency' },
    title: value('tieu-de'),
    question: value('noi-dung-cau-hoi'),
    contact: { full_name: value('ho-ten'), email: optional('thu-dien-tu'), phone: optional('dien-thoai') },
  };
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  status.textContent = 'Đang gửi câu hỏi…';
  try {
    const receipt = await api('/hoi-dap', { method: 'POST', body, headers: { 'Idempotency-Key': key } });
    key = crypto.randomUUID();
    done(receipt);
  } catch (error) {
    status.textContent = '';
    const text = error instanceof Problem ? error.message : 'Đã có lỗi xảy ra. Vui lòng thử lại.';
    const target = FIELDS[error.field];
    if (target) mark(target, text);
    showErrors(summary, [{ text, target }]);
  } finally {
    button.disabled = false;
  }
}

function done(receipt) {
  form.hidden = true;
  status.textContent = '';
  document.getElementById('ma-cau-hoi').textContent = receipt.code;
  document.getElementById('ma-tra-cuu').textContent = receipt.tracking_secret;
  document.getElementById('loi-nhan').textContent = receipt.message;
  const follow = document.getElementById('lien-ket-tra-cuu');
  // The secret rides in the fragment: it never reaches a server in a URL.
  follow.href = `${follow.getAttribute('href')}?ma=${encodeURIComponent(receipt.code)}#${encodeURIComponent(receipt.tracking_secret)}`;
  const box = document.getElementById('da-gui');
  box.hidden = false;
  box.querySelector('h2').focus();
}

if (form) {
  form.hidden = false;
  document.getElementById('da-dang-nhap').hidden = !signedIn();
  form.addEventListener('change', (event) => {
    if (event.target.name === 've') showProcedureField();
  });
  const code = document.getElementById('ma-thu-tuc');
  code.addEventListener('change', () => nameProcedure(code.value.trim()));
  form.addEventListener('submit', send);
  const asked = new URLSearchParams(location.search).get('thu-tuc');
  if (asked) {
    document.getElementById('ve-thu-tuc').checked = true;
    code.value = asked;
    nameProcedure(asked);
  }
  showProcedureField();
}
