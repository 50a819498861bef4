// Following a feedback or petition: by its code and tracking secret, or
// from the account it was sent from. Opens straight from the link shown
// after sending (`?ma=CODE#SECRET`: the secret stays in the fragment, never
// in a URL a server sees). Shows the history, the deadlines that apply, the
// answer; offers the "add information" form when the agency asks for it,
// and the "not satisfied — ask to reconsider" form after an answer. Signed-in
// senders see their petitions listed below.
import { api, element, showErrors, signedIn, signIn, uploadWithRow } from './portal.js';

const form = document.getElementById('tra-cuu');
const summary = document.getElementById('loi');
const status = document.getElementById('trang-thai');
const result = document.getElementById('ket-qua');

const DEADLINES = [
  ['refuse_by', 'Hạn từ chối tiếp nhận (nếu không thuộc phạm vi)'],
  ['ask_by', 'Hạn đề nghị bổ sung thông tin'],
  ['answer_by', 'Hạn trả lời'],
  ['publish_by', 'Hạn công khai câu trả lời'],
  ['reopen_until', 'Đề nghị xem xét lại trước'],
];

/** The petition shown now and the secret it was opened with (none when by account). */
let shown = null;
let secret = '';
let limits = null;

const headers = () => (secret ? { 'X-Tracking-Secret': secret } : {});

async function look(code) {
  status.textContent = 'Đang tra cứu…';
  showErrors(summary, []);
  try {
    show(await api('/phan-anh/' + encodeURIComponent(code), { headers: headers() }));
    status.textContent = '';
  } catch (error) {
    status.textContent = '';
    result.hidden = true;
    const text = error.status === 404
      ? 'Không có phản ánh, kiến nghị nào khớp mã phản ánh và mã tra cứu đã nhập. Kiểm tra lại hai mã nhận được khi gửi.'
      : error.message;
    showErrors(summary, [{ text, target: 'ma' }]);
  }
}

/** Paragraphs of a text as the official or the sender wrote it. */
const paragraphs = (text) => text.split(/\n{2,}/).map((p) => {
  const node = element('p');
  p.split('\n').forEach((line, i) => node.append(...(i ? [element('br'), line] : [line])));
  return node;
});

function show(view) {
  shown = view;
  document.getElementById('ket-qua-tieu-de').textContent = `${view.kind_label} ${view.code}`;
  const topic = view.about.name || view.about.code;
  const facts = [['Trạng thái', view.status.label], ['Về việc', view.about.label + (topic ? ': ' + topic : '')],
    ['Tiêu đề', view.title], ['Gửi lúc', view.history[0]?.text || '']];
  if (view.rounds > 1) facts.push(['Lần xem xét', `Lần ${view.rounds} (đã đề nghị xem xét lại)`]);
  if (view.action_required) facts.push(['Bạn cần làm', view.action_required.message]);
  if (view.refusal_reason) facts.push(['Lý do từ chối', view.refusal_reason]);
  if (view.files.length) facts.push(['Tài liệu kèm theo', view.files.map((f) => f.file_name).join(', ')]);
  document.getElementById('chi-tiet').replaceChildren(...facts.flatMap(([term, text]) => [element('dt', { text: term }), element('dd', { text })]));

  const answer = document.getElementById('tra-loi');
  answer.hidden = !view.answer;
  if (view.answer) {
    const when = document.getElementById('tra-loi-luc');
    when.replaceChildren('Trả lời lúc ' + view.answer.at_text);
    if (view.answer.page) when.append(' · ', element('a', { href: view.answer.page, text: 'đã công khai trên cổng' }));
    document.getElementById('tra-loi-noi-dung').replaceChildren(...paragraphs(view.answer.text));
  }
  const deadlines = DEADLINES.filter(([key]) => view.deadlines[key]);
  document.getElementById('thoi-han').replaceChildren(...(deadlines.length
    ? deadlines.flatMap(([key, label]) => [element('dt', { text: label }), element('dd', { text: view.deadlines[key].text })])
    : [element('dd', { text: view.status.stage === 'info_requested'
      ? 'Thời hạn trả lời tạm dừng trong khi chờ bạn bổ sung thông tin.'
      : 'Không còn thời hạn nào đang chạy.' })]));
  document.getElementById('lich-su').replaceChildren(...[...view.history].reverse().map((h) =>
    element('li', {}, element('strong', { text: h.text }), ` ${h.action} (${h.status.label})`,
      ...(h.note ? [element('br'), element('span', { class: 'note', text: h.note })] : []))));
  result.hidden = false;
  offerInformation(view);
  offerReopening(view);
}

async function move(what, body, done) {
  try {
    show(await api(`/phan-anh/${encodeURIComponent(shown.code)}/${what}`, { method: 'POST', headers: headers(), body: { ...body, version: shown.version } }));
    status.textContent = done;
    result.querySelector('h2').focus();
    return true;
  } catch (error) {
    // Someone moved it meanwhile: show it as it now is.
    if (error.current) show(error.current);
    showErrors(summary, [{ text: error.message, target: 'ket-qua-tieu-de' }]);
    return false;
  }
}

function offerInformation(view) {
  const box = document.getElementById('bo-sung');
  box.hidden = view.action_required?.kind !== 'provide_info';
  if (box.hidden) return;
  document.getElementById('bo-sung-yeu-cau').textContent = 'Cơ quan đề nghị: ' + view.action_required.message;
  const list = box.querySelector('ul');
  const chosen = [];
  // Files need sign-in, as uploads do.
  if (signedIn()) {
    document.getElementById('bo-sung-tep-o').hidden = false;
    const input = document.getElementById('tep-bo-sung');
    input.onchange = async () => {
      limits = limits || await api('/phan-anh/bieu-mau');
      const already = shown.files.reduce((sum, f) => sum + f.size, 0);
      for (const file of input.files) {
        const { id } = await uploadWithRow(list, file, file.name, limits, chosen.reduce((sum, f) => sum + f.size, already));
        if (id) chosen.push({ upload_id: id, size: file.size });
      }
      input.value = '';
    };
  }
  box.querySelector('form').onsubmit = async (event) => {
    event.preventDefault();
    const note = document.getElementById('thong-tin-bo-sung').value.trim();
    if (!note && !chosen.length) {
      return showErrors(summary, [{ text: 'Nhập thông tin bổ sung hoặc đính kèm tệp.', target: 'thong-tin-bo-sung' }]);
    }
    if (await move('bo-sung', { note: note || null, files: chosen.map((f) => f.upload_id) }, 'Đã gửi thông tin bổ sung.')) {
      document.getElementById('thong-tin-bo-sung').value = '';
      list.replaceChildren();
    }
  };
}

function offerReopening(view) {
  const box = document.getElementById('xem-xet-lai');
  box.hidden = !view.may_reopen;
  if (box.hidden) return;
  document.getElementById('xem-xet-lai-han').textContent = view.deadlines.reopen_until ? ` trước ${view.deadlines.reopen_until.text}` : '';
  box.querySelector('form').onsubmit = async (event) => {
    event.preventDefault();
    const reason = document.getElementById('ly-do-xem-xet-lai').value.trim();
    if (!reason) return showErrors(summary, [{ text: 'Nêu lý do đề nghị xem xét lại.', target: 'ly-do-xem-xet-lai' }]);
    if (await move('xem-xet-lai', { reason }, 'Đã gửi đề nghị xem xét lại. Cơ quan sẽ trả lời lần nữa.')) {
      document.getElementById('ly-do-xem-xet-lai').value = '';
    }
  };
}

/** "My petitions": those sent from the signed-in account, newest first. */
let cursor = null;
async function listMine() {
  const box = document.getElementById('cua-toi');
  const note = document.getElementById('cua-toi-trang-thai');
  const list = document.getElementById('danh-sach');
  const more = document.getElementById('xem-them');
  box.hidden = false;
  note.textContent = 'Đang tải…';
  try {
    const page = await api('/phan-anh?limit=20' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    note.textContent = !page.items.length && !cursor ? 'Bạn chưa gửi phản ánh, kiến nghị nào khi đăng nhập.' : '';
    list.append(...page.items.map((p) => {
      const link = element('a', { href: '?ma=' + encodeURIComponent(p.code), text: p.code });
      link.addEventListener('click', (event) => {
        event.preventDefault();
        secret = '';
        form.elements.ma.value = p.code;
        form.elements['ma-tra-cuu'].value = '';
        history.replaceState(null, '', '?ma=' + encodeURIComponent(p.code));
        look(p.code);
      });
      return element('li', {}, link, ` — ${p.kind_label}: ${p.title}`, element('br'),
        element('span', { class: 'tag', text: p.waits_for_you ? 'Cần bạn bổ sung thông tin' : p.status.label }),
        p.answer_by ? element('span', { class: 'note', text: ' Hạn trả lời: ' + p.answer_by.text }) : '');
    }));
    cursor = page.next_cursor || null;
    more.hidden = !cursor;
  } catch (error) {
    note.textContent = error.message;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const code = form.elements.ma.value.trim().toUpperCase();
  if (!code) return showErrors(summary, [{ text: 'Nhập mã phản ánh.', target: 'ma' }]);
  secret = form.elements['ma-tra-cuu'].value.trim();
  look(code);
});
document.getElementById('xem-them').addEventListener('click', listMine);

const code = new URLSearchParams(location.search).get('ma');
if (code) {
  form.elements.ma.value = code;
  secret = decodeURIComponent(location.hash.slice(1));
  form.elements['ma-tra-cuu'].value = secret;
  look(code);
}
if (signedIn()) listMine();
else {
  const invite = document.getElementById('moi-dang-nhap');
  invite.hidden = false;
  invite.querySelector('button').addEventListener('click', () => signIn().catch((e) => showErrors(summary, [{ text: e.message }])));
}
