// The one-stop back office: a light front end over /api/can-bo/*. Screens
// are chosen by the URL fragment (#/hang-doi/…, #/ho-so/…), so every queue
// and every dossier has a link officials can bookmark and share.
import { api, signIn, signedIn, signOut, element, sizeText, uploadWithRow, Problem } from '/js/portal.js';
import { showQuestion, showQuestions } from './questions.js';
import { showPetition, showPetitions } from './petitions.js';

const screen = document.getElementById('man-hinh');
const notice = document.getElementById('thong-bao');
let me = null;
// A notice to show on the next screen (the counter's receipt, once the dossier opens).
let carried = null;

const STATUSES = [[1, 'Mới đăng ký'], [2, 'Được tiếp nhận'], [3, 'Không được tiếp nhận'], [4, 'Đang xử lý'],
  [5, 'Yêu cầu bổ sung'], [6, 'Nghĩa vụ tài chính'], [7, 'Rút hồ sơ'], [8, 'Dừng xử lý'], [9, 'Đã xử lý xong'], [10, 'Đã trả kết quả']];
const OUTLOOK = { overdue: 'Quá hạn', due_soon: 'Sắp đến hạn' };

function say(text, ok = false) {
  notice.textContent = text;
  notice.classList.toggle('ok', ok);
  notice.hidden = !text;
  if (text) notice.focus?.();
}

const link = (href, text) => element('a', { href, text });
const heading = (text) => element('h1', { text });
const dateText = (iso) => (iso ? new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric' }) : '');
const today = () => new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
const monthStart = () => today().slice(0, 8) + '01';

function table(headers, rows) {
  return element('div', { class: 'table-wrap' }, element('table', { class: 'grid' },
    element('thead', {}, element('tr', {}, ...headers.map((h) => element('th', { scope: 'col', text: h })))),
    element('tbody', {}, ...rows)));
}

/** Fetches an authenticated file (printed form, export) and opens or saves it. */
async function openFile(path, fileName, headers = {}) {
  const response = await fetch('/api' + path, { headers: { ...headers, Authorization: 'Bearer ' + sessionStorage.getItem('dvc.token') } });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Problem(problem, response.status);
  }
  const url = URL.createObjectURL(await response.blob());
  if (fileName) {
    const a = element('a', { href: url, download: fileName });
    document.body.append(a);
    a.click();
    a.remove();
  } else {
    window.open(url, '_blank', 'noopener');
  }
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

function renderMenu() {
  const items = [['#/', 'Hàng đợi', 'queues'], ['#/tiep-nhan', 'Tiếp nhận tại quầy', 'counter'],
    ['#/so-theo-doi', 'Sổ theo dõi (Mẫu 06)', 'register'], ['#/giam-sat', 'Giám sát', 'supervision'], ['#/chi-so-766', 'Chỉ số 766', 'scorecard'], ['#/phan-anh', 'Phản ánh, kiến nghị', 'petitions'], ['#/hoi-dap', 'Hỏi đáp', 'questions'], ['#/quan-tri', 'Quản trị', 'admin']];
  document.getElementById('menu').replaceChildren(...items.filter(([, , key]) => me.sections.includes(key))
    .map(([href, text]) => element('li', {}, link(href, text))));
  const out = element('button', { type: 'button', class: 'secondary', text: 'Đăng xuất' });
  out.addEventListener('click', () => { signOut(); location.reload(); });
  document.getElementById('nguoi-dung').replaceChildren(`${me.name} — ${me.agency_name || me.agency}`, out);
}

// ---------- Queues ----------

async function showQueues(key, params) {
  me = await api('/can-bo/me');
  const current = key || me.queues[0]?.key;
  const cards = element('ul', { class: 'cards' }, ...me.queues.map((q) => element('li', {},
    element('a', { href: '#/hang-doi/' + encodeURIComponent(q.key), 'aria-current': q.key === current ? 'page' : false },
      q.label, element('strong', { text: String(q.total) }),
      q.overdue ? element('span', { class: 'count-overdue', text: `${q.overdue} quá hạn` }) : '',
      q.at_risk > q.overdue ? element('span', { text: ` · ${q.at_risk - q.overdue} sắp đến hạn` }) : ''))));
  const parts = [heading('Hồ sơ chờ xử lý'), cards];
  if (current) parts.push(await queueTable(current, params));
  screen.replaceChildren(...parts);
}

async function queueTable(key, params) {
  const form = element('form', { class: 'filters' });
  const due = element('select', { name: 'due' }, element('option', { value: '', text: 'Tất cả' }),
    element('option', { value: 'overdue', text: 'Quá hạn' }), element('option', { value: 'at_risk', text: 'Quá hạn hoặc đến hạn trong 2 ngày làm việc' }));
  const status = element('select', { name: 'status' }, element('option', { value: '', text: 'Mọi trạng thái' }),
    ...STATUSES.map(([code, label]) => element('option', { value: String(code), text: `${code} — ${label}` })));
  const procedure = element('input', { name: 'procedure', placeholder: 'VD: 1.000419', size: '12' });
  due.value = params.get('due') || '';
  status.value = params.get('status') || '';
  procedure.value = params.get('procedure') || '';
  form.append(element('label', {}, 'Hạn xử lý', due), element('label', {}, 'Trạng thái', status),
    element('label', {}, 'Mã thủ tục', procedure), element('button', { type: 'submit', text: 'Lọc' }));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams([...new FormData(form)].filter(([, v]) => v));
    location.hash = `#/hang-doi/${encodeURIComponent(key)}?${q}`;
  });
  const body = element('tbody');
  const more = element('button', { type: 'button', class: 'secondary', text: 'Xem thêm', hidden: true });
  const box = element('section', { 'aria-labelledby': 'tieu-de-hang-doi' }, element('h2', { id: 'tieu-de-hang-doi' }), form,
    element('div', { class: 'table-wrap' }, element('table', { class: 'grid' },
      element('thead', {}, element('tr', {}, ...['Mã hồ sơ', 'Thủ tục', 'Người nộp', 'Trạng thái', 'Hạn trả kết quả', 'Kênh']
        .map((h) => element('th', { scope: 'col', text: h })))), body)), more);
  let cursor = null;
  const load = async () => {
    const q = new URLSearchParams(params);
    if (cursor) q.set('cursor', cursor);
    const page = await api(`/can-bo/queues/${encodeURIComponent(key)}?${q}`);
    box.querySelector('h2').textContent = page.label;
    for (const item of page.items) {
      body.append(element('tr', { class: item.outlook || '' },
        element('td', {}, link('#/ho-so/' + item.code, item.code)),
        element('td', { text: item.procedure_name }),
        element('td', { text: item.applicant_name }),
        element('td', { text: item.status.stage }),
        element('td', {}, item.due_text || '—', ' ', OUTLOOK[item.outlook] ? element('span', { class: 'tag ' + item.outlook, text: OUTLOOK[item.outlook] }) : ''),
        element('td', { text: item.channel })));
    }
    if (!body.children.length) body.append(element('tr', {}, element('td', { colspan: '6', text: 'Không có hồ sơ nào.' })));
    cursor = page.next_cursor || null;
    more.hidden = !cursor;
  };
  more.addEventListener('click', () => load().catch((e) => say(e.message)));
  await load();
  return box;
}

// ---------- One dossier ----------

function field(label, input, hint) {
  return element('label', {}, label, hint ? element('span', { class: 'hint', text: hint }) : '', input);
}

function actionForm(dossier, action, onDone) {
  const form = element('form', { class: 'action-form', 'aria-label': action.label });
  const inputs = {};
  for (const need of action.needs) {
    if (need === 'to_department') {
      inputs.to = element('select', { name: 'to' }, element('option', { value: '', text: 'Theo quy trình của thủ tục' }),
        ...dossier.departments.map((d) => element('option', { value: d.value, text: d.label })));
      form.append(field('Chuyển đến phòng', inputs.to));
    } else if (need === 'to_specialist') {
      inputs.to = element('select', { name: 'to', required: true }, ...dossier.specialists.map((s) => element('option', { value: s.value, text: s.label })));
      form.append(field('Chuyên viên xử lý', inputs.to));
    } else if (need === 'reasons') {
      inputs.reasons = element('textarea', { rows: '4', required: true });
      form.append(field(action.key === 'refuse_intake' ? 'Lý do từ chối' : 'Giấy tờ cần bổ sung, hoàn thiện', inputs.reasons, 'Mỗi dòng một nội dung; công dân nhận được đúng nội dung này.'));
    } else if (need === 'new_due') {
      inputs.new_due = element('input', { type: 'date', required: true });
      form.append(field('Ngày hẹn trả mới', inputs.new_due));
    } else if (need === 'result') {
      inputs.result_number = element('input', { required: true, maxlength: '100' });
      inputs.result_files = element('input', { type: 'file', multiple: true, accept: '.pdf,.jpg,.jpeg,.png,.docx,.xlsx' });
      form.append(field('Số, ký hiệu văn bản kết quả', inputs.result_number), field('Tệp kết quả (bản ký số)', inputs.result_files));
    } else if (need === 'delivery') {
      inputs.delivery = element('select', {}, element('option', { value: 'at_desk', text: 'Tại bộ phận một cửa' }),
        element('option', { value: 'post', text: 'Qua bưu chính công ích' }), element('option', { value: 'online', text: 'Trả kết quả điện tử' }));
      form.append(field('Hình thức trả', inputs.delivery));
    } else if (need === 'note') {
      inputs.note = element('textarea', { rows: '2' });
      const required = ['extend', 'stop', 'request_payment'].includes(action.key);
      form.append(field(required ? 'Lý do (gửi cho công dân)' : 'Ghi chú', inputs.note));
      if (required) inputs.note.required = true;
    }
  }
  form.append(element('div', { class: 'actions' }, element('button', { type: 'submit', text: action.label })));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    try {
      const body = { action: action.key, version: dossier.version };
      if (inputs.to?.value) body.to = inputs.to.value;
      if (inputs.note?.value.trim()) body.note = inputs.note.value;
      if (inputs.reasons) body.reasons = inputs.reasons.value.split('\n').map((l) => l.trim()).filter(Boolean);
      if (inputs.new_due) body.new_due = inputs.new_due.value;
      if (inputs.delivery) body.delivery = inputs.delivery.value;
      if (inputs.result_number) {
        body.result_number = inputs.result_number.value;
        const procedure = await api('/procedures/' + dossier.procedure_code);
        const list = element('ul');
        form.append(list);
        body.result_files = [];
        for (const file of inputs.result_files.files) {
          const { id } = await uploadWithRow(list, file, file.name, procedure, 0, {}, '/can-bo/uploads');
          if (!id) throw new Problem({ title: 'Có tệp kết quả không tải lên được; vui lòng xem lại.' }, 400);
          body.result_files.push(id);
        }
      }
      const fresh = await api(`/can-bo/dossiers/${dossier.code}/actions`, { method: 'POST', body });
      say(`Đã thực hiện: ${action.label}.`, true);
      onDone(fresh);
    } catch (error) {
      if (error.code === 'HO_SO_DA_THAY_DOI' && error.current) {
        say(error.message);
        onDone(error.current);
      } else {
        say(error.message);
      }
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function renderDossier(dossier) {
  const facts = element('dl', { class: 'facts' });
  const fact = (term, value) => value && facts.append(element('dt', { text: term }), element('dd', { text: value }));
  fact('Thủ tục', `${dossier.procedure_code} — ${dossier.procedure_name}`);
  fact('Nội dung', dossier.summary);
  fact('Người nộp', `${dossier.applicant.full_name} — ${dossier.applicant.identity_number} — ${dossier.applicant.phone}`);
  fact('Địa chỉ', dossier.applicant.address);
  fact('Kênh nộp', dossier.channel);
  fact('Tiếp nhận', dateText(dossier.received_at));
  fact('Hạn trả kết quả', dossier.due_text);
  fact('Trạng thái', `${dossier.status.code} — ${dossier.status.label} (${dossier.status.stage})`);
  fact('Phòng xử lý', dossier.department);
  fact('Chuyên viên', dossier.assignee);
  fact('Kết quả', dossier.result_number);
  fact('Đánh giá', dossier.timeliness);
  fact('Trả kết quả', dossier.result_delivery);
  const actionsBox = element('div', { class: 'box' }, element('h2', { text: 'Thao tác' }));
  const slot = element('div');
  const buttons = element('div', { class: 'actions' }, ...dossier.actions.map((action) => {
    const button = element('button', { type: 'button', class: 'secondary', text: action.label });
    button.addEventListener('click', () => slot.replaceChildren(actionForm(dossier, action, renderDossier)));
    return button;
  }));
  actionsBox.append(dossier.actions.length ? buttons : element('p', { text: 'Tài khoản của bạn không có thao tác nào với hồ sơ ở bước này.' }), slot);
  const formsBox = element('div', { class: 'box' }, element('h2', { text: 'In biểu mẫu' }), ...dossier.forms.map((f) => {
    const button = element('button', { type: 'button', class: 'secondary', text: f.label });
    button.addEventListener('click', () => openFile(`/can-bo/dossiers/${dossier.code}/forms/${f.value}`).catch((e) => say(e.message)));
    return element('p', {}, button);
  }));
  const files = dossier.files.map((f) => {
    const a = element('a', { href: '#', text: `${f.component_name}: ${f.file_name} (${sizeText(f.size)})${f.revision ? ` — bổ sung lần ${f.revision}` : ''}` });
    a.addEventListener('click', async (e) => {
      e.preventDefault();
      try { window.open((await api(`/can-bo/dossiers/${dossier.code}/files/${f.id}`)).url, '_blank', 'noopener'); } catch (error) { say(error.message); }
    });
    return element('li', {}, a);
  });
  const history = table(['Thời gian', 'Thao tác', 'Người thực hiện', 'Trạng thái', 'Ghi chú'], dossier.history.map((e) =>
    element('tr', {}, element('td', { text: e.text }), element('td', { text: e.action + (e.handed_to ? ` → ${e.handed_to}` : '') }),
      element('td', { text: `${e.actor} (${e.role})` }), element('td', { text: e.status.label }), element('td', { text: e.note || '' }))));
  screen.replaceChildren(
    element('p', {}, link('#/', '‹ Về hàng đợi')),
    heading('Hồ sơ ' + dossier.code),
    element('div', { class: 'columns' },
      element('div', {}, element('section', { class: 'box' }, element('h2', { text: 'Thông tin hồ sơ' }), facts),
        element('section', { class: 'box' }, element('h2', { text: 'Giấy tờ điện tử' }), files.length ? element('ul', {}, ...files) : element('p', { text: 'Không có tệp.' })),
        element('section', { class: 'box' }, element('h2', { text: 'Quá trình xử lý' }), history)),
      element('div', {}, actionsBox, formsBox)));
}

async function showDossier(code) {
  renderDossier(await api('/can-bo/dossiers/' + encodeURIComponent(code)));
}

// ---------- Counter receipt ----------

async function showCounter() {
  const code = element('input', { id: 'ma-thu-tuc', required: true, placeholder: 'VD: 1.000419' });
  const find = element('form', { class: 'filters' }, element('label', { for: 'ma-thu-tuc' }, 'Mã thủ tục', code), element('button', { type: 'submit', text: 'Chọn thủ tục' }));
  const slot = element('div');
  find.addEventListener('submit', async (e) => {
    e.preventDefault();
    try { slot.replaceChildren(counterForm(await api('/procedures/' + encodeURIComponent(code.value.trim())))); } catch (error) { say(error.message); }
  });
  screen.replaceChildren(heading('Tiếp nhận hồ sơ tại quầy'), find, slot);
}

function counterForm(procedure) {
  const form = element('form', { class: 'action-form' }, element('h2', { text: `${procedure.code} — ${procedure.name}` }));
  const input = (name, label, attrs = {}) => {
    const node = element('input', { name, required: true, ...attrs });
    form.append(field(label, node));
    return node;
  };
  const name = input('full_name', 'Họ và tên người nộp');
  const id = input('identity_number', 'Số định danh cá nhân (12 số) hoặc mã số thuế', { inputmode: 'numeric' });
  const phone = input('phone', 'Số điện thoại', { inputmode: 'tel' });
  const address = input('address', 'Địa chỉ');
  const summary = element('textarea', { rows: '2' });
  form.append(field('Nội dung yêu cầu giải quyết', summary));
  const channel = element('select', {}, element('option', { value: 'counter', text: 'Tại quầy' }), element('option', { value: 'post', text: 'Qua bưu chính' }));
  const delivery = element('select', {}, element('option', { value: 'at_desk', text: 'Tại bộ phận một cửa' }), element('option', { value: 'post', text: 'Qua bưu chính công ích' }), element('option', { value: 'online', text: 'Trả kết quả điện tử' }));
  form.append(field('Hình thức nộp', channel), field('Hình thức nhận kết quả', delivery));
  form.append(element('h3', { text: 'Giấy tờ đã nhận' }), element('p', { class: 'hint', text: 'Ghi số bản chính, bản sao của từng giấy tờ; chọn tệp scan nếu có.' }));
  // The agency's guidance among the papers is read, not counted.
  for (const c of procedure.components.filter((c) => c.requirement === 'note')) form.append(element('p', { class: 'hint', text: c.name }));
  const papers = procedure.components.filter((c) => c.requirement !== 'note').map((c) => {
    const originals = element('input', { type: 'number', min: '0', max: '100', value: '0', 'aria-label': 'Bản chính: ' + c.name });
    const copies = element('input', { type: 'number', min: '0', max: '100', value: '0', 'aria-label': 'Bản sao: ' + c.name });
    const scan = element('input', { type: 'file', multiple: true, accept: '.pdf,.jpg,.jpeg,.png,.docx,.xlsx', 'aria-label': 'Tệp scan: ' + c.name });
    form.append(element('div', { class: 'paper-row' }, element('span', { text: `${c.name}${c.requirement === 'required' ? ' (bắt buộc)' : ''}` }), originals, copies), scan);
    return { c, originals, copies, scan };
  });
  const list = element('ul');
  form.append(list, element('div', { class: 'actions' }, element('button', { type: 'submit', text: 'Tiếp nhận và in giấy hẹn' })));
  const key = crypto.randomUUID();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const files = [];
      let already = 0;
      for (const p of papers) {
        for (const file of p.scan.files) {
          const { id } = await uploadWithRow(list, file, `${p.c.name}: ${file.name}`, procedure, already, {}, '/can-bo/uploads');
          if (!id) throw new Problem({ title: 'Có tệp scan không tải lên được; vui lòng xem lại.' }, 400);
          already += file.size;
          files.push({ component: p.c.index, upload_id: id });
        }
      }
      const body = {
        procedure_code: procedure.code, channel: channel.value,
        applicant: { owner_type: id.value.trim().length === 12 ? 'citizen' : 'business', full_name: name.value, identity_number: id.value.trim(), phone: phone.value, address: address.value },
        summary: summary.value, result_delivery: { method: delivery.value, address: delivery.value === 'post' ? address.value : undefined },
        papers: papers.map((p) => ({ component: p.c.index, originals: Number(p.originals.value), copies: Number(p.copies.value) })).filter((p) => p.originals + p.copies > 0),
        files,
      };
      const receipt = await api('/can-bo/dossiers', { method: 'POST', body, headers: { 'Idempotency-Key': key } });
      // Mẫu 01 printed now carries the tracking secret (a reprint cannot: only its digest is kept);
      // the notice tells it to the desk too, on the dossier's screen as well.
      const received = `Đã tiếp nhận hồ sơ ${receipt.dossier.code}. Mã tra cứu cho công dân: ${receipt.tracking_secret}`;
      say(received, true);
      await openFile(receipt.receipt_form.replace(/^\/api/, ''), undefined, { 'X-Tracking-Secret': receipt.tracking_secret })
        .catch((error) => say(error.message));
      carried = { text: received, ok: true };
      location.hash = '#/ho-so/' + receipt.dossier.code;
    } catch (error) {
      say(error.message);
    }
  });
  return form;
}

// ---------- Register, supervision ----------

function periodForm(onChange, extra = []) {
  const from = element('input', { type: 'date', value: monthStart(), required: true });
  const to = element('input', { type: 'date', value: today(), required: true });
  const form = element('form', { class: 'filters' }, element('label', {}, 'Từ ngày', from), element('label', {}, 'Đến ngày', to), ...extra,
    element('button', { type: 'submit', text: 'Xem' }));
  form.addEventListener('submit', (e) => { e.preventDefault(); onChange(from.value, to.value).catch((error) => say(error.message)); });
  return form;
}

async function showRegister() {
  const slot = element('div');
  const load = async (from, to) => {
    const q = `from=${from}&to=${to}`;
    const register = await api('/can-bo/register?' + q);
    const csv = element('button', { type: 'button', class: 'secondary', text: 'Tải CSV' });
    const xlsx = element('button', { type: 'button', class: 'secondary', text: 'Tải Excel (XLSX)' });
    csv.addEventListener('click', () => openFile(`/can-bo/register?${q}&format=csv`, `so-theo-doi_${from}_${to}.csv`).catch((e) => say(e.message)));
    xlsx.addEventListener('click', () => openFile(`/can-bo/register?${q}&format=xlsx`, `so-theo-doi_${from}_${to}.xlsx`).catch((e) => say(e.message)));
    slot.replaceChildren(element('p', { text: `${register.agency_name} — ${register.period}: ${register.rows.length} hồ sơ` }),
      element('div', { class: 'actions' }, csv, xlsx),
      table(['TT', 'Mã hồ sơ', 'Thủ tục', 'Người nộp', 'Nhận hồ sơ', 'Hẹn trả', 'Trả kết quả', 'Ghi chú'], register.rows.map((r, i) =>
        element('tr', {}, ...[i + 1, r.code, r.procedure_name, r.applicant_name, r.received_at.replace('T', ' '), (r.appointment || '').replace('T', ' '),
          (r.returned_at || '').replace('T', ' '), r.note].map((v) => element('td', { text: String(v) }))))));
  };
  screen.replaceChildren(heading('Sổ theo dõi hồ sơ (Mẫu 06)'), periodForm(load), slot);
  await load(monthStart(), today());
}

async function showSupervision() {
  const slot = element('div');
  const tally = (label, t) => element('tr', {}, ...[label, t.received, t.in_progress, t.overdue, t.early, t.on_time, t.late, t.other_ended].map((v, i) =>
    element('td', { text: String(v), class: i === 3 && t.overdue ? 'count-overdue' : false })));
  const heads = ['', 'Tiếp nhận', 'Đang xử lý (trong hạn)', 'Quá hạn', 'Trước hạn', 'Đúng hạn', 'Trễ hạn', 'Từ chối, rút, dừng'];
  const load = async (from, to) => {
    const d = await api(`/can-bo/supervision?from=${from}&to=${to}`);
    slot.replaceChildren(
      element('h2', { text: 'Tổng hợp' }), table(heads, [tally('Toàn đơn vị', d.total)]),
      element('h2', { text: 'Theo phòng' }), table(heads, d.by_department.map((r) => tally(r.label, r))),
      element('h2', { text: 'Theo chuyên viên' }), table(heads, d.by_official.map((r) => tally(r.label, r))),
      element('h2', { text: 'Theo thủ tục' }), table(heads, d.by_procedure.map((r) => tally(r.label, r))),
      element('h2', { text: 'Cảnh báo sớm: hồ sơ quá hạn hoặc đến hạn trong 2 ngày làm việc' }),
      table(['Mã hồ sơ', 'Thủ tục', 'Người nộp', 'Hạn', 'Phòng', 'Chuyên viên'], d.at_risk.map((r) => element('tr', { class: r.overdue ? 'overdue' : 'due_soon' },
        element('td', {}, link('#/ho-so/' + r.code, r.code)), element('td', { text: r.procedure_name }), element('td', { text: r.applicant_name }),
        element('td', { text: r.due_text }), element('td', { text: r.department || '' }), element('td', { text: r.assignee || '' })))));
  };
  screen.replaceChildren(heading('Giám sát, theo dõi'), periodForm(load), slot);
  await load(monthStart(), today());
}

// ---------- QĐ 766 scorecard ----------

const points = (n) => n.toLocaleString('vi-VN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

async function showScorecard() {
  const month = element('input', { type: 'month', value: today().slice(0, 7), max: today().slice(0, 7), required: true });
  const form = element('form', { class: 'filters' }, element('label', {}, 'Tháng', month), element('button', { type: 'submit', text: 'Xem' }));
  const slot = element('div');
  const load = async () => {
    const card = await api('/can-bo/chi-so-766?month=' + encodeURIComponent(month.value));
    const rateText = (i) => {
      if (i.state === 'not_measured') return 'Chưa đo được';
      if (i.state === 'shown') return 'Xem bảng dưới';
      const counts = i.counts.map((c) => `${c.label}: ${c.part}/${c.whole}`).join('; ');
      return `${points(i.rate)}% (${counts})`;
    };
    const groups = card.groups.flatMap((g) => [
      element('h2', { text: `${g.id}. ${g.name}: ${points(g.points)} / ${points(g.max)} điểm` }),
      table(['Chỉ số', 'Cách tính', 'Kết quả', 'Đủ điểm từ', 'Điểm'], g.indicators.map((i) => element('tr', { class: i.state === 'not_measured' ? 'not-measured' : '' },
        element('td', { text: `${i.id}. ${i.name}` }), element('td', { text: i.basis }), element('td', { text: rateText(i) }),
        element('td', { text: i.full_at == null ? '—' : `${points(i.full_at)}%` }),
        element('td', { text: i.max ? `${points(i.points)} / ${points(i.max)}` : '—' })))),
    ]);
    slot.replaceChildren(
      element('p', { class: 'score-total' }, element('strong', { text: `${points(card.total)} / 100 điểm` }),
        ` — ${card.agency_name}, tháng ${card.month.slice(5)}/${card.month.slice(0, 4)}. Hệ thống đo được các chỉ số có tổng ${points(card.measured_max)} điểm; chỉ số chưa đo được không được tính điểm.`),
      ...groups,
      element('h2', { text: '2.2. Thời gian giải quyết trung bình (ngày làm việc)' }),
      table(['Thủ tục', 'Số hồ sơ giải quyết', 'Trung bình'], card.average_days.map((r) => element('tr', {},
        element('td', { text: r.procedure_name }), element('td', { text: String(r.dossiers) }), element('td', { text: points(r.working_days) })))),
      element('h2', { text: '5.1. Phản ánh, kiến nghị theo lĩnh vực' }),
      table(['Lĩnh vực', 'Số phản ánh, kiến nghị'], card.petitions_by_category.map((r) => element('tr', {},
        element('td', { text: r.category }), element('td', { text: String(r.petitions) })))));
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); load().catch((error) => say(error.message)); });
  screen.replaceChildren(heading('Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)'), form, slot);
  await load();
}

// ---------- Administration ----------

async function showAdmin() {
  const setup = await api('/can-bo/admin/agency').catch((error) => (error.code === 'THAO_TAC_KHONG_HOP_LE' ? null : Promise.reject(error)));
  const parts = [heading('Quản trị đơn vị')];
  if (setup) {
    parts.push(element('h2', { text: setup.agency.name }),
      element('h3', { text: 'Phòng chuyên môn' }), table(['Mã', 'Tên'], setup.departments.map((d) => element('tr', {}, element('td', { text: d.id }), element('td', { text: d.name })))),
      element('h3', { text: 'Cán bộ' }), table(['Tài khoản', 'Họ tên', 'Phòng', 'Vai trò', 'Trạng thái'], setup.officials.map((o) => element('tr', {},
        element('td', { text: o.subject }), element('td', { text: o.name }), element('td', { text: o.department || '' }),
        element('td', { text: o.roles.join(', ') }), element('td', { text: o.active ? 'Đang hoạt động' : 'Đã khóa' })))),
      element('h3', { text: 'Quy trình xử lý' }), table(['Thủ tục', 'Các bước'], setup.routes.map((r) => element('tr', {},
        element('td', { text: r.procedure }), element('td', { text: r.route.map((s) => `${s.department} (${s.time.amount} ${s.time.unit === 'working_hours' ? 'giờ' : 'ngày'} làm việc)`).join(' → ') })))));
  }
  const file = element('textarea', { rows: '12', spellcheck: 'false' });
  file.value = JSON.stringify(setup || { agency: { code: me.agency, name: '', desk_name: 'Bộ phận Một cửa', place: '' }, departments: [], officials: [], routes: [] }, null, 2);
  const form = element('form', { class: 'action-form' }, element('h3', { text: 'Nhập, xuất cấu hình đơn vị (JSON)' }),
    field('Cấu hình', file, 'Sửa rồi nhập lại để thêm phòng, cán bộ, quy trình; có thể dán tệp cấu hình của đơn vị mới.'),
    element('div', { class: 'actions' }, element('button', { type: 'submit', text: 'Nhập cấu hình' })));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const done = await api('/can-bo/admin/import', { method: 'POST', body: JSON.parse(file.value) });
      say(`Đã nhập: ${done.departments} phòng, ${done.officials} cán bộ, ${done.routes} quy trình.`, true);
      await showAdmin();
    } catch (error) {
      say(error instanceof SyntaxError ? 'Tệp cấu hình không đúng định dạng JSON.' : error.message);
    }
  });
  const audit = await api('/can-bo/admin/audit');
  parts.push(form, element('h3', { text: 'Nhật ký thao tác tháng này' }),
    table(['Thời gian', 'Người thực hiện', 'Thao tác', 'Đối tượng', 'Địa chỉ IP'], audit.entries.map((a) => element('tr', {},
      element('td', { text: a.at.replace('T', ' ') }), element('td', { text: a.actor_name }), element('td', { text: a.operation }),
      element('td', { text: a.target }), element('td', { text: a.source_ip || '' })))));
  screen.replaceChildren(...parts);
}

// ---------- Routing ----------

async function route() {
  say('');
  const [path, query] = (location.hash.slice(1) || '/').split('?');
  const params = new URLSearchParams(query);
  const [, screenName, arg] = path.split('/');
  try {
    if (!me) {
      me = await api('/can-bo/me');
      renderMenu();
    }
    if (screenName === 'ho-so') await showDossier(decodeURIComponent(arg));
    else if (screenName === 'tiep-nhan') await showCounter();
    else if (screenName === 'so-theo-doi') await showRegister();
    else if (screenName === 'giam-sat') await showSupervision();
    else if (screenName === 'chi-so-766') await showScorecard();
    else if (screenName === 'phan-anh' && arg) await showPetition(screen, say, decodeURIComponent(arg));
    else if (screenName === 'phan-anh') await showPetitions(screen, say, params);
    else if (screenName === 'hoi-dap') await showQuestions(screen, say, params);
    else if (screenName === 'cau-hoi') await showQuestion(screen, say, decodeURIComponent(arg));
    else if (screenName === 'quan-tri') await showAdmin();
    else await showQueues(arg && decodeURIComponent(arg), params);
    document.getElementById('noi-dung').focus();
  } catch (error) {
    screen.replaceChildren(element('p', { text: error.message }));
    if (error.status === 401) {
      const button = element('button', { type: 'button', text: 'Đăng nhập' });
      button.addEventListener('click', () => signIn());
      screen.append(button);
    }
  }
  if (carried) say(carried.text, carried.ok);
  carried = null;
}

if (!signedIn()) {
  const button = element('button', { type: 'button', text: 'Đăng nhập bằng tài khoản cán bộ' });
  button.addEventListener('click', () => signIn().catch((error) => say(error.message)));
  screen.replaceChildren(heading('Hệ thống thông tin một cửa điện tử'), element('p', { text: 'Trang dành cho cán bộ, công chức. Vui lòng đăng nhập.' }), button);
} else {
  // One screen at a time: a new address waits for the screen being built,
  // so the last address asked for is the one shown.
  let routing = Promise.resolve();
  const next = () => { routing = routing.then(route); };
  window.addEventListener('hashchange', next);
  next();
}
