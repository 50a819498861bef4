// The asker reads the answer to their question: the code and the secret
// given when they asked (or their account), sent in a header; opened straight
// from the link `/tra-cuu-cau-hoi/?ma=CODE#SECRET`.
import { api, element, showErrors } from './portal.js';

const form = document.getElementById('tra-cuu-cau-hoi');
const summary = document.getElementById('loi');
const status = document.getElementById('trang-thai');
const result = document.getElementById('ket-qua');

async function look(code, secret) {
  status.textContent = 'Đang tìm câu hỏi…';
  showErrors(summary, []);
  try {
    const headers = secret ? { 'X-Tracking-Secret': secret } : {};
    show(await api('/hoi-dap/' + encodeURIComponent(code), { headers }));
    status.textContent = '';
  } catch (error) {
    status.textContent = '';
    result.hidden = true;
    const text = error.status === 404
      ? 'Không có câu hỏi nào khớp mã câu hỏi và mã tra cứu đã nhập. Kiểm tra lại hai mã nhận được khi gửi câu hỏi.'
      : error.message;
    showErrors(summary, [{ text, target: 'ma' }]);
  }
}

function show(view) {
  document.getElementById('ket-qua-tieu-de').textContent = view.title;
  const facts = [['Mã câu hỏi', view.code], ['Ngày hỏi', view.asked_text], ['Tình trạng', view.status.label]];
  if (view.about.name) facts.push(['Thủ tục', view.about.name]);
  if (view.answer) facts.push(['Ngày trả lời', view.answer.at_text]);
  if (view.decline_reason) facts.push(['Lý do từ chối trả lời', view.decline_reason]);
  const list = facts.flatMap(([term, text]) => [element('dt', { text: term }), element('dd', { text })]);
  if (view.answer?.page) {
    list.push(element('dt', { text: 'Công khai trên Cổng' }), element('dd', {}, element('a', { href: view.answer.page, text: 'Xem trang hỏi đáp' })));
  }
  document.getElementById('chi-tiet').replaceChildren(...list);
  document.getElementById('cau-hoi').textContent = view.question;
  document.getElementById('tra-loi').hidden = !view.answer;
  document.getElementById('noi-dung-tra-loi').textContent = view.answer?.text || '';
  result.hidden = false;
  result.querySelector('h2').focus();
}

if (form) {
  form.hidden = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const code = form.elements.ma.value.trim();
    if (!code) return showErrors(summary, [{ text: 'Nhập mã câu hỏi.', target: 'ma' }]);
    look(code, form.elements['ma-tra-cuu'].value.trim());
  });
  const code = new URLSearchParams(location.search).get('ma');
  if (code) {
    form.elements.ma.value = code;
    const secret = decodeURIComponent(location.hash.slice(1));
    if (secret) form.elements['ma-tra-cuu'].value = secret;
    look(code, secret);
  }
}
