// The applicant's rating of a returned dossier (TT 01/2018): nine
// indicators, three levels each, and a comment. Sent with the tracking
// secret (or the account); the API says until when it may be changed.
import { api, showErrors } from './portal.js';

const box = document.getElementById('danh-gia');
const form = box.querySelector('form');
const status = document.getElementById('danh-gia-trang-thai');
const indicators = [...form.querySelectorAll('fieldset')].map((f) => f.querySelector('input').name);

const when = (rfc3339) => new Date(rfc3339).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric' });

function fill(view) {
  for (const answer of view.answers) {
    const input = form.querySelector(`input[name="${answer.indicator}"][value="${answer.answer}"]`);
    if (input) input.checked = true;
  }
  form.querySelector('textarea').value = view.comment || '';
  const changeable = Boolean(view.changeable_until);
  for (const control of form.elements) control.disabled = !changeable;
  status.textContent = changeable
    ? `Ông/bà đã đánh giá lúc ${when(view.given_at)} (${view.overall}, ${view.points}/18 điểm); có thể sửa đến ${when(view.changeable_until)}.`
    : `Ông/bà đã đánh giá lúc ${when(view.given_at)}: ${view.overall}, ${view.points}/18 điểm. Cảm ơn ông/bà.`;
}

/** Shows the rating form for `code`, filled in if it was rated already. */
export async function offerRating(code, secret, summary) {
  const headers = secret ? { 'X-Tracking-Secret': secret } : {};
  const path = `/dossiers/${encodeURIComponent(code)}/rating`;
  try {
    fill(await api(path, { headers }));
  } catch (error) {
    if (error.status !== 404) return;
  }
  form.onsubmit = async (event) => {
    event.preventDefault();
    const answers = {};
    for (const name of indicators) {
      const chosen = form.querySelector(`input[name="${name}"]:checked`);
      if (chosen) answers[name] = chosen.value;
    }
    const missing = indicators.filter((name) => !answers[name]);
    if (missing.length) {
      return showErrors(summary, missing.map((name) => ({
        text: `Chọn mức đánh giá cho: ${form.querySelector(`input[name="${name}"]`).closest('fieldset').querySelector('legend').textContent}.`,
        target: form.querySelector(`input[name="${name}"]`).id,
      })));
    }
    try {
      fill(await api(path, { method: 'PUT', headers, body: { answers, comment: form.querySelector('textarea').value.trim() || null } }));
      showErrors(summary, []);
      status.focus?.();
    } catch (error) {
      const field = error.field?.startsWith('answers.') ? form.querySelector(`input[name="${error.field.slice(8)}"]`)?.id : 'dg-y-kien';
      showErrors(summary, [{ text: error.message, target: field || 'dg-y-kien' }]);
    }
  };
  box.hidden = false;
  // The message that the result was returned links here (`&muc=danh-gia`).
  if (new URLSearchParams(location.search).get('muc') === 'danh-gia') box.scrollIntoView();
}
