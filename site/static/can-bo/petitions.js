// The back office's feedback and petitions (phản ánh, kiến nghị — PAKN):
// the agency's four lists (#/phan-anh?queue=open|overdue|waiting|publish)
// with the overdue and due-soon warnings, and one petition with its moves
// (#/phan-anh/CODE): refuse within 2 working days, ask for information
// within 5, answer within 15, publish a consented answer within 2 more.
// Over /api/can-bo/phan-anh/*; the desk and the agency's leaders only.
import { api, element, sizeText } from '/js/portal.js';

const QUEUES = [['open', 'Chờ xử lý'], ['overdue', 'Quá hạn trả lời'], ['waiting', 'Chờ người gửi bổ sung'], ['publish', 'Chờ công khai']];
const OUTLOOK = { overdue: 'Quá hạn', due_soon: 'Sắp đến hạn' };
const OVERDUE = { answer: 'Đã quá hạn trả lời (15 ngày làm việc).', publication: 'Đã quá hạn công khai câu trả lời (2 ngày làm việc sau khi trả lời).' };
const NOTE_LABELS = {
  refuse: ['Lý do từ chối tiếp nhận', 'Người gửi nhận được đúng nội dung này (tin nhắn, thư điện tử, trang theo dõi).'],
  request_info: ['Thông tin cần người gửi bổ sung', 'Thời hạn trả lời tạm dừng cho đến khi người gửi bổ sung.'],
  answer: ['Nội dung trả lời', 'Người gửi nhận được ngay; nếu họ đồng ý công khai, nội dung này được đăng trên Cổng sau khi bấm "Công khai".'],
};
const DEADLINES = [['refuse_by', 'Hạn từ chối tiếp nhận'], ['ask_by', 'Hạn đề nghị bổ sung'], ['answer_by', 'Hạn trả lời'],
  ['publish_by', 'Hạn công khai'], ['reopen_until', 'Người gửi được đề nghị xem xét lại đến']];

const heading = (text) => element('h1', { text });
const tag = (outlook) => (OUTLOOK[outlook] ? element('span', { class: 'tag ' + outlook, text: OUTLOOK[outlook] }) : '');

function table(headers, body) {
  return element('div', { class: 'table-wrap' }, element('table', { class: 'grid' },
    element('thead', {}, element('tr', {}, ...headers.map((h) => element('th', { scope: 'col', text: h })))),
    Array.isArray(body) ? element('tbody', {}, ...body) : body));
}

/** How many petitions are past their answer's due time (one page of the overdue list). */
async function overdueWarning() {
  const page = await api('/can-bo/phan-anh?queue=overdue&limit=100');
  if (!page.items.length) return '';
  const count = page.next_cursor ? 'Hơn 100' : String(page.items.length);
  return element('p', { class: 'notice', role: 'status' }, element('strong', { text: `${count} phản ánh, kiến nghị đã quá hạn trả lời. ` }),
    element('a', { href: '#/phan-anh?queue=overdue', text: 'Xem danh sách quá hạn' }));
}

/** One of the agency's lists of petitions, a page at a time, soonest due first. */
export async function showPetitions(screen, say, params) {
  const key = params.get('queue') || 'open';
  const tabs = element('ul', { class: 'cards' }, ...QUEUES.map(([k, label]) => element('li', {},
    element('a', { href: '#/phan-anh?queue=' + k, 'aria-current': k === key ? 'page' : false, text: label }))));
  const body = element('tbody');
  const more = element('button', { type: 'button', class: 'secondary', text: 'Xem thêm', hidden: true });
  const title = element('h2', { id: 'tieu-de-phan-anh' });
  const dueHeader = key === 'waiting' ? 'Đề nghị bổ sung lúc' : key === 'publish' ? 'Hạn công khai' : 'Hạn trả lời';
  let cursor = null;
  const load = async () => {
    const q = new URLSearchParams({ queue: key });
    if (cursor) q.set('cursor', cursor);
    const page = await api('/can-bo/phan-anh?' + q);
    title.textContent = page.label;
    for (const item of page.items) {
      body.append(element('tr', { class: item.outlook || '' },
        element('td', {}, element('a', { href: '#/phan-anh/' + item.code, text: item.code })),
        element('td', { text: `${item.kind_label}: ${item.title}` }),
        element('td', { text: item.about_label + (item.category ? ` · ${item.category}` : '') }),
        element('td', { text: item.sender }),
        element('td', {}, item.due_text, ' ', tag(item.outlook))));
    }
    if (!body.children.length) body.append(element('tr', {}, element('td', { colspan: '5', text: 'Không có phản ánh, kiến nghị nào.' })));
    cursor = page.next_cursor || null;
    more.hidden = !cursor;
  };
  more.addEventListener('click', () => load().catch((e) => say(e.message)));
  await load();
  const warning = key === 'overdue' ? '' : await overdueWarning();
  screen.replaceChildren(heading('Phản ánh, kiến nghị'), warning, tabs,
    element('section', { 'aria-labelledby': 'tieu-de-phan-anh' }, title,
      table(['Mã phản ánh', 'Nội dung', 'Về', 'Người gửi', dueHeader], body), more));
}

function actionForm(petition, action, say, onDone) {
  const form = element('form', { class: 'action-form', 'aria-label': action.label });
  let note = null;
  let category = null;
  let checked = null;
  if (action.needs.includes('note')) {
    const [label, hint] = NOTE_LABELS[action.key];
    note = element('textarea', { rows: action.key === 'answer' ? '10' : '4', required: true, maxlength: '5000' });
    form.append(element('label', {}, label, element('span', { class: 'hint', text: hint }), note));
  }
  if (action.needs.includes('category')) {
    category = element('input', { maxlength: '100', value: petition.category || '' });
    form.append(element('label', {}, 'Phân loại (lĩnh vực, nhóm vấn đề)', element('span', { class: 'hint', text: 'Không bắt buộc; dùng cho thống kê phản ánh, kiến nghị theo lĩnh vực.' }), category));
  }
  if (action.key === 'publish') {
    // The portal masks phone numbers, e-mail addresses, identity numbers and the
    // sender's own details on the public page; the rest is the official's call.
    checked = element('input', { type: 'checkbox', required: true });
    form.append(element('p', { text: 'Trang công khai gồm tiêu đề, nội dung phản ánh và câu trả lời; không có họ tên, số điện thoại, thư điện tử, địa chỉ của người gửi. Cổng tự che số điện thoại, thư điện tử, số định danh và thông tin liên hệ của người gửi còn sót trong bài, nhưng không nhận ra được tên người, địa chỉ hay chi tiết riêng tư khác.' }),
      element('label', { class: 'choice' }, checked, ' Tôi đã đọc lại: nội dung và câu trả lời không còn thông tin cá nhân của ai (họ tên, địa chỉ, số giấy tờ, sức khỏe, hoàn cảnh riêng).'));
  }
  form.append(element('div', { class: 'actions' }, element('button', { type: 'submit', text: action.label })));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    try {
      const body = { action: action.key, version: petition.version };
      if (note) body.note = note.value;
      if (category?.value.trim()) body.category = category.value;
      const fresh = await api(`/can-bo/phan-anh/${petition.code}/actions`, { method: 'POST', body });
      say(`Đã thực hiện: ${action.label}.`, true);
      onDone(fresh);
    } catch (error) {
      say(error.message);
      if (error.code === 'PHAN_ANH_DA_THAY_DOI' && error.current) onDone(error.current);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function render(screen, say, petition) {
  const facts = element('dl', { class: 'facts' });
  const fact = (term, value) => value && facts.append(element('dt', { text: term }), element('dd', { text: value }));
  fact('Loại', petition.kind_label);
  fact('Về', petition.about.name ? `${petition.about.label}: ${petition.about.code} — ${petition.about.name}` : petition.about.code ? `${petition.about.label}: ${petition.about.code}` : petition.about.label);
  fact('Tiêu đề', petition.title);
  fact('Tiếp nhận', petition.history[0]?.text);
  fact('Nơi gửi', petition.national_code ? `Cổng Dịch vụ công quốc gia (mã ${petition.national_code}); kết quả được gửi về Cổng quốc gia` : '');
  fact('Trạng thái', petition.status.label + (petition.rounds > 1 ? ` (lần ${petition.rounds}, người gửi đề nghị xem xét lại)` : ''));
  fact('Phân loại', petition.category);
  for (const [key, label] of DEADLINES) fact(label, petition.deadlines[key]?.text);
  fact('Đánh giá thời hạn', petition.on_time === true ? 'Đúng hạn' : petition.on_time === false ? 'Trễ hạn' : '');
  fact('Công khai', petition.published ? 'Đã công khai trên Cổng' : petition.publish_consent ? 'Người gửi đồng ý công khai câu trả lời' : 'Người gửi không đồng ý công khai');
  const contact = element('dl', { class: 'facts' });
  const c = petition.contact;
  for (const [term, value] of [['Họ tên', c.name], ['Điện thoại', c.phone], ['Thư điện tử', c.email], ['Địa chỉ', c.address],
    ['Tài khoản', c.signed_in ? 'Gửi khi đã đăng nhập' : 'Gửi không đăng nhập']]) {
    if (value) contact.append(element('dt', { text: term }), element('dd', { text: value }));
  }
  const text = (label, value) => element('section', { class: 'box' }, element('h2', { text: label }), element('p', { class: 'text', text: value }));
  const warnings = petition.overdue.map((o) => element('p', { class: 'notice', role: 'status', text: OVERDUE[o] }));
  if (!warnings.length && petition.outlook === 'due_soon') warnings.push(element('p', { class: 'notice', role: 'status', text: 'Sắp đến hạn: còn dưới 2 ngày làm việc.' }));
  const slot = element('div');
  const buttons = element('div', { class: 'actions' }, ...petition.actions.map((action) => {
    const button = element('button', { type: 'button', class: 'secondary', text: action.label });
    button.addEventListener('click', () => slot.replaceChildren(actionForm(petition, action, say, (fresh) => render(screen, say, fresh))));
    return button;
  }));
  const actionsBox = element('div', { class: 'box' }, element('h2', { text: 'Thao tác' }),
    petition.actions.length ? buttons : element('p', { text: petition.status.stage === 'info_requested' ? 'Đang chờ người gửi bổ sung thông tin.' : 'Phản ánh, kiến nghị này không còn thao tác nào.' }), slot);
  const files = petition.files.map((f) => {
    const a = element('a', { href: '#', text: `${f.file_name} (${sizeText(f.size)})${f.revision ? ` — bổ sung lần ${f.revision}` : ''}` });
    a.addEventListener('click', async (e) => {
      e.preventDefault();
      try { window.open((await api(`/can-bo/phan-anh/${petition.code}/files/${f.id}`)).url, '_blank', 'noopener'); } catch (error) { say(error.message); }
    });
    return element('li', {}, a);
  });
  const history = table(['Thời gian', 'Thao tác', 'Người thực hiện', 'Trạng thái', 'Nội dung'], petition.history.map((h) =>
    element('tr', {}, element('td', { text: h.text }), element('td', { text: h.action }), element('td', { text: h.by || 'Người gửi' }),
      element('td', { text: h.status.label }), element('td', { class: 'text', text: h.note || '' }))));
  screen.replaceChildren(
    element('p', {}, element('a', { href: '#/phan-anh', text: '‹ Về danh sách phản ánh, kiến nghị' })),
    heading(`${petition.kind_label} ${petition.code}`), ...warnings,
    element('div', { class: 'columns' },
      element('div', {}, element('section', { class: 'box' }, element('h2', { text: 'Thông tin phản ánh, kiến nghị' }), facts),
        text('Nội dung', petition.content),
        ...(petition.answer ? [text('Câu trả lời', petition.answer.text)] : []),
        ...(petition.refusal_reason ? [text('Lý do từ chối', petition.refusal_reason)] : []),
        element('section', { class: 'box' }, element('h2', { text: 'Tài liệu kèm theo' }), files.length ? element('ul', {}, ...files) : element('p', { text: 'Không có tệp.' })),
        element('section', { class: 'box' }, element('h2', { text: 'Quá trình xử lý' }), history)),
      element('div', {}, actionsBox, element('section', { class: 'box' }, element('h2', { text: 'Người gửi' }), contact))));
}

/** One petition, with the moves open to the official. */
export async function showPetition(screen, say, code) {
  render(screen, say, await api('/can-bo/phan-anh/' + encodeURIComponent(code)));
}
