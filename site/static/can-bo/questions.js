// The back office's questions and answers (hỏi đáp): the agency's two lists
// (#/hoi-dap?queue=unanswered|unpublished) and one question with its moves
// (#/cau-hoi/CODE): answer or correct, publish, decline, withdraw. Over
// /api/can-bo/hoi-dap/*; the desk and the agency's leaders only.
import { api, element } from '/js/portal.js';

const QUEUES = [['unanswered', 'Chờ trả lời'], ['unpublished', 'Đã trả lời, chưa công khai']];
const NOTE_LABELS = {
  answer: ['Nội dung trả lời', 'Người hỏi đọc được ngay; khi công khai, mọi người đọc được (không kèm họ tên người hỏi).'],
  decline: ['Lý do từ chối trả lời', 'Người hỏi đọc được lý do này.'],
  withdraw: ['Lý do gỡ câu trả lời khỏi Cổng', 'Ghi vào nhật ký; câu trả lời vẫn gửi người hỏi.'],
};

const heading = (text) => element('h1', { text });
const dateText = (iso) => (iso ? new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric' }) : '');

/** A table of `headers` over `body` (a tbody, or the rows of one). */
function table(headers, body) {
  return element('div', { class: 'table-wrap' }, element('table', { class: 'grid' },
    element('thead', {}, element('tr', {}, ...headers.map((h) => element('th', { scope: 'col', text: h })))),
    Array.isArray(body) ? element('tbody', {}, ...body) : body));
}

/** One of the agency's lists of questions, a page at a time. */
export async function showQuestions(screen, say, params) {
  const key = params.get('queue') || 'unanswered';
  const tabs = element('ul', { class: 'cards' }, ...QUEUES.map(([k, label]) => element('li', {},
    element('a', { href: '#/hoi-dap?queue=' + k, 'aria-current': k === key ? 'page' : false, text: label }))));
  const body = element('tbody');
  const more = element('button', { type: 'button', class: 'secondary', text: 'Xem thêm', hidden: true });
  const title = element('h2', { id: 'tieu-de-hoi-dap' });
  let cursor = null;
  const load = async () => {
    const q = new URLSearchParams({ queue: key });
    if (cursor) q.set('cursor', cursor);
    const page = await api('/can-bo/hoi-dap?' + q);
    title.textContent = page.label;
    for (const item of page.items) {
      body.append(element('tr', {},
        element('td', {}, element('a', { href: '#/cau-hoi/' + item.code, text: item.code })),
        element('td', { text: item.title }),
        element('td', { text: item.procedure_name || item.about_label }),
        element('td', { text: item.asker }),
        element('td', { text: item.origin_label }),
        element('td', { text: item.asked_text })));
    }
    if (!body.children.length) body.append(element('tr', {}, element('td', { colspan: '6', text: 'Không có câu hỏi nào.' })));
    cursor = page.next_cursor || null;
    more.hidden = !cursor;
  };
  more.addEventListener('click', () => load().catch((e) => say(e.message)));
  await load();
  screen.replaceChildren(heading('Hỏi đáp'), tabs, element('section', { 'aria-labelledby': 'tieu-de-hoi-dap' }, title,
    table(['Mã câu hỏi', 'Tiêu đề', 'Về', 'Người hỏi', 'Nơi hỏi', 'Ngày hỏi'], body), more));
}

function actionForm(question, action, say, onDone) {
  const form = element('form', { class: 'action-form', 'aria-label': action.label });
  let note = null;
  if (action.needs.includes('note')) {
    const [label, hint] = NOTE_LABELS[action.key];
    note = element('textarea', { rows: action.key === 'answer' ? '10' : '3', required: true, maxlength: action.key === 'answer' ? '10000' : '5000' });
    if (action.key === 'answer' && question.answer) note.value = question.answer.text;
    form.append(element('label', {}, label, element('span', { class: 'hint', text: hint }), note));
  }
  form.append(element('div', { class: 'actions' }, element('button', { type: 'submit', text: action.label })));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    try {
      const body = { action: action.key, version: question.version };
      if (note) body.note = note.value;
      const fresh = await api(`/can-bo/hoi-dap/${question.code}/actions`, { method: 'POST', body });
      say(`Đã thực hiện: ${action.label}.`, true);
      onDone(fresh);
    } catch (error) {
      say(error.message);
      if (error.code === 'HOI_DAP_DA_THAY_DOI' && error.current) onDone(error.current);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function render(screen, say, question) {
  const facts = element('dl', { class: 'facts' });
  const fact = (term, value) => value && facts.append(element('dt', { text: term }), element('dd', { text: value }));
  fact('Tiêu đề', question.title);
  fact('Về', question.about.name ? `${question.about.code} — ${question.about.name}` : question.about.label);
  fact('Nơi hỏi', question.origin.national_id ? `${question.origin.label} (mã ${question.origin.national_id})` : question.origin.label);
  fact('Ngày hỏi', question.asked_text);
  const asker = question.asker;
  fact('Người hỏi', [asker.name, asker.email, asker.phone, asker.signed_in ? 'đã đăng nhập' : ''].filter(Boolean).join(' — '));
  fact('Tình trạng', question.status.label);
  fact('Người trả lời', question.answered_by);
  if (question.answer?.page) fact('Trang công khai', question.answer.page);
  fact('Lý do từ chối', question.decline_reason);
  const text = (label, value) => element('section', { class: 'box' }, element('h2', { text: label }), element('p', { class: 'text', text: value }));
  const slot = element('div');
  const buttons = element('div', { class: 'actions' }, ...question.actions.map((action) => {
    const button = element('button', { type: 'button', class: 'secondary', text: action.label });
    button.addEventListener('click', () => slot.replaceChildren(actionForm(question, action, say, (fresh) => render(screen, say, fresh))));
    return button;
  }));
  const actionsBox = element('div', { class: 'box' }, element('h2', { text: 'Thao tác' }),
    question.actions.length ? buttons : element('p', { text: 'Câu hỏi này không còn thao tác nào.' }), slot);
  const history = table(['Thời gian', 'Thao tác', 'Người thực hiện', 'Tình trạng', 'Nội dung'], question.history.map((h) =>
    element('tr', {}, element('td', { text: h.text }), element('td', { text: h.action }), element('td', { text: h.by || '' }),
      element('td', { text: h.status.label }), element('td', { class: 'text', text: h.note || '' }))));
  screen.replaceChildren(
    element('p', {}, element('a', { href: '#/hoi-dap', text: '‹ Về danh sách hỏi đáp' })),
    heading('Câu hỏi ' + question.code),
    element('div', { class: 'columns' },
      element('div', {}, element('section', { class: 'box' }, element('h2', { text: 'Thông tin câu hỏi' }), facts),
        text('Câu hỏi', question.question),
        ...(question.answer ? [text('Câu trả lời', question.answer.text)] : []),
        element('section', { class: 'box' }, element('h2', { text: 'Quá trình xử lý' }), history)),
      element('div', {}, actionsBox)));
}

/** One question, with the moves open to the official. */
export async function showQuestion(screen, say, code) {
  render(screen, say, await api('/can-bo/hoi-dap/' + encodeURIComponent(code)));
}
