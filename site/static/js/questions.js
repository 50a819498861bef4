// The published answers (/hoi-dap/): every question is listed without
// JavaScript; here the list follows what the citizen types (the site's
// question index, as the search page reads it) and, from a procedure's page,
// shows only that procedure's (`?thu-tuc=CODE`). The address keeps the query.
import { findQuestions } from './search.js';

const form = document.getElementById('tim-hoi-dap');
const list = document.getElementById('danh-sach-hoi-dap');
const status = document.getElementById('so-hoi-dap');

if (form && list) {
  const input = form.elements.q;
  const params = new URLSearchParams(location.search);
  const procedure = params.get('thu-tuc');
  const items = new Map([...list.children].map((li) => [li.dataset.code, li]));
  let latest = 0;
  let timer;

  async function run() {
    const query = input.value;
    const turn = ++latest;
    const shared = new URLSearchParams();
    if (query.trim()) shared.set('q', query.trim());
    if (procedure) shared.set('thu-tuc', procedure);
    history.replaceState(null, '', location.pathname + (shared.size ? '?' + shared : ''));
    if (!query.trim() && !procedure) {
      for (const li of items.values()) li.hidden = false;
      status.textContent = items.size ? `${items.size} câu hỏi đã được trả lời, mới nhất trước.` : 'Chưa có câu trả lời nào được công khai.';
      return;
    }
    const { hits } = await findQuestions(query, { procedure, limit: Infinity });
    if (turn !== latest) return;
    const shown = hits.map((q) => items.get(q.code)).filter(Boolean);
    for (const li of items.values()) li.hidden = true;
    for (const li of shown) {
      li.hidden = false;
      list.append(li);
    }
    const about = procedure ? ` về thủ tục ${procedure}` : '';
    status.textContent = shown.length
      ? `${shown.length} câu hỏi${about}${query.trim() ? ` có đủ các từ “${query.trim()}”` : ''}.`
      : `Chưa có câu hỏi nào${about}${query.trim() ? ` có đủ các từ “${query.trim()}”` : ''} được trả lời. Bạn có thể đặt câu hỏi.`;
  }

  if (procedure) {
    const ask = document.getElementById('dat-cau-hoi');
    ask.href += '?' + new URLSearchParams({ 'thu-tuc': procedure });
    ask.textContent = 'Đặt câu hỏi về thủ tục này';
  }
  form.hidden = false;
  input.value = params.get('q') || '';
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run();
  });
  if (input.value.trim() || procedure) run();
}
