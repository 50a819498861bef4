// "My dossiers": every dossier of the signed-in citizen, newest first.
import { api, element, signedIn, signIn } from './portal.js';

const status = document.getElementById('trang-thai');
const list = document.getElementById('danh-sach');
const more = document.getElementById('xem-them');
let cursor = null;

/** `2026-11-26T17:00:00+07:00` (Vietnam time) → `17:00 ngày 26/11/2026`. */
const when = (iso) => {
  const [date, time] = iso.split('T');
  const [year, month, day] = date.split('-');
  return `${time.slice(0, 5)} ngày ${day}/${month}/${year}`;
};

async function load() {
  status.textContent = 'Đang tải…';
  try {
    const page = await api('/my/dossiers?limit=20' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    if (!page.items.length && !cursor) status.textContent = 'Bạn chưa nộp hồ sơ nào trực tuyến.';
    else status.textContent = '';
    list.append(...page.items.map((d) =>
      element('li', {},
        element('a', { href: '/tra-cuu/?ma=' + encodeURIComponent(d.code), text: d.code }),
        ` — ${d.procedure_name}`, element('br'),
        element('span', { class: 'tag', text: d.status.label }),
        d.appointment ? element('span', { class: 'note', text: ' Hẹn trả: ' + when(d.appointment) }) : '')));
    list.hidden = false;
    cursor = page.next_cursor || null;
    more.hidden = !cursor;
  } catch (error) {
    status.textContent = error.message;
    if (error.status === 401) offerSignIn();
  }
}

function offerSignIn() {
  status.textContent = '';
  const box = document.getElementById('dang-nhap');
  box.hidden = false;
  box.querySelector('button').addEventListener('click', () => signIn().catch((e) => { status.textContent = e.message; }));
}

more.addEventListener('click', load);
if (signedIn()) load();
else offerSignIn();
