// Tracking: the form works without JavaScript (the API answers with a page);
// here it answers in place, and opens straight from the link in the
// confirmation message (`/tra-cuu/?ma=CODE#SECRET`: the secret stays in the
// fragment, never sent in a URL to any server).
import { api, element, showErrors, signedIn, sizeText, uploadWithRow } from './portal.js';
import { offerRating } from './rating.js';

const form = document.getElementById('tra-cuu');
const summary = document.getElementById('loi');
const result = document.getElementById('ket-qua');

async function look(code, secret) {
  document.getElementById('trang-thai').textContent = 'Đang tra cứu…';
  showErrors(summary, []);
  try {
    const headers = secret ? { 'X-Tracking-Secret': secret } : {};
    show(await api('/dossiers/' + encodeURIComponent(code), { headers }), secret);
    document.getElementById('trang-thai').textContent = '';
  } catch (error) {
    document.getElementById('trang-thai').textContent = '';
    result.hidden = true;
    const text = error.status === 404
      ? 'Không có hồ sơ nào khớp mã hồ sơ và mã tra cứu đã nhập. Kiểm tra lại hai mã trên giấy tiếp nhận hoặc trong tin nhắn xác nhận.'
      : error.message;
    showErrors(summary, [{ text, target: 'ma' }]);
  }
}

function show(view, secret) {
  document.getElementById('ket-qua-tieu-de').textContent = 'Hồ sơ ' + view.code;
  const facts = [['Thủ tục', view.procedure_name], ['Trạng thái', `${view.status.label} — ${view.status.stage}`]];
  if (view.appointment) facts.push(['Hẹn trả kết quả', view.appointment.text + (view.appointment.outlook_label ? ` (${view.appointment.outlook_label})` : '')]);
  if (view.action_required) facts.push(['Bạn cần làm', view.action_required.message]);
  if (view.result) facts.push(['Kết quả', view.result]);
  document.getElementById('chi-tiet').replaceChildren(...facts.flatMap(([term, text]) => [element('dt', { text: term }), element('dd', { text })]));
  showResultFiles(view);
  document.getElementById('lich-su').replaceChildren(...[...view.history].reverse().map((h) =>
    element('li', {}, element('strong', { text: h.text }), ` ${h.action} (${h.status.label})`, ...(h.note ? [element('br'), element('span', { class: 'note', text: h.note })] : []))));
  const petition = document.getElementById('phan-anh-ho-so');
  petition.href = petition.href.split('?')[0] + '?ho-so=' + encodeURIComponent(view.code);
  result.hidden = false;
  result.querySelector('h2').focus();
  if (view.action_required?.kind === 'supplement' && signedIn()) offerSupplement(view);
  else document.getElementById('bo-sung').hidden = true;
  // Status 10: the result is returned; the applicant is asked to rate it.
  if (view.status.code === 10) offerRating(view.code, secret, summary);
  else document.getElementById('danh-gia').hidden = true;
}

/** The returned result's papers: each link asks for a short-lived download
 * link (signed in only: the tracking secret is not enough for files). */
function showResultFiles(view) {
  const box = document.getElementById('ket-qua-tai-ve');
  const files = view.result_files || [];
  box.hidden = files.length === 0;
  const list = box.querySelector('ul');
  if (!signedIn()) {
    list.replaceChildren(element('li', { text: 'Đăng nhập bằng tài khoản đã nộp hồ sơ để tải kết quả điện tử.' }));
    return;
  }
  list.replaceChildren(...files.map((file) => {
    const link = element('a', { href: '#', text: `${file.file_name} (${sizeText(file.size)})` });
    link.addEventListener('click', async (event) => {
      event.preventDefault();
      try {
        const { url } = await api(`/dossiers/${encodeURIComponent(view.code)}/files/${encodeURIComponent(file.id)}`);
        window.location.href = url;
      } catch (error) {
        showErrors(summary, [{ text: error.message }]);
      }
    });
    return element('li', {}, link);
  }));
}

/** The papers the agency asked for, uploaded and sent as one supplement. */
async function offerSupplement(view) {
  const box = document.getElementById('bo-sung');
  const list = box.querySelector('ul');
  const form = await api('/procedures/' + encodeURIComponent(view.procedure_code));
  const chosen = [];
  const already = view.files.reduce((sum, f) => sum + f.size, 0);
  const select = box.querySelector('select');
  select.replaceChildren(...form.components.filter((c) => c.requirement !== 'present_only' && c.requirement !== 'note')
    .map((c) => element('option', { value: c.index, text: c.name })));
  const input = box.querySelector('input[type=file]');
  input.onchange = async () => {
    for (const file of input.files) {
      const component = Number(select.value);
      const label = `${select.selectedOptions[0].text.slice(0, 80)}: ${file.name}`;
      const sent = chosen.reduce((sum, f) => sum + f.size, already);
      const { id } = await uploadWithRow(list, file, label, form, sent);
      if (id) chosen.push({ component, upload_id: id, size: file.size });
    }
    input.value = '';
  };
  box.querySelector('form').onsubmit = async (event) => {
    event.preventDefault();
    if (!chosen.length) return showErrors(summary, [{ text: 'Tải lên ít nhất một giấy tờ bổ sung.', target: 'tep-bo-sung' }]);
    try {
      show(await api(`/dossiers/${encodeURIComponent(view.code)}/supplement`, {
        method: 'POST',
        body: { files: chosen.map(({ component, upload_id }) => ({ component, upload_id })), note: box.querySelector('textarea').value.trim() || null, version: view.version },
      }));
      list.replaceChildren();
      document.getElementById('trang-thai').textContent = 'Đã gửi giấy tờ bổ sung.';
    } catch (error) {
      showErrors(summary, [{ text: error.message, target: 'tep-bo-sung' }]);
    }
  };
  box.hidden = false;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const code = form.elements.ma.value.trim();
  if (!code) return showErrors(summary, [{ text: 'Nhập mã hồ sơ.', target: 'ma' }]);
  look(code, form.elements['ma-tra-cuu'].value.trim());
});

const code = new URLSearchParams(location.search).get('ma');
if (code) {
  form.elements.ma.value = code;
  const secret = decodeURIComponent(location.hash.slice(1));
  if (secret) form.elements['ma-tra-cuu'].value = secret;
  look(code, secret);
}
