// Shared by the submission, tracking and "my dossiers" pages: calls to the
// portal API (errors are problem+json with a Vietnamese title) and the
// citizen's sign-in (OpenID Connect, authorization code with PKCE).
const API = '/api';
const TOKEN = 'dvc.token';
const PKCE = 'dvc.pkce';

export class Problem extends Error {
  constructor(problem, status) {
    super(problem.title || 'Đã có lỗi xảy ra. Vui lòng thử lại.');
    this.code = problem.code;
    this.field = problem.field;
    this.status = status;
    // The back office's conflict answer carries the dossier as it now is.
    this.current = problem.current;
  }
}

export async function api(path, { method = 'GET', body, headers = {} } = {}) {
  const sent = { Accept: 'application/json', ...headers };
  const token = sessionStorage.getItem(TOKEN);
  if (token) sent.Authorization = 'Bearer ' + token;
  if (body !== undefined) {
    sent['Content-Type'] = 'application/json';
    body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(API + path, { method, headers: sent, body });
  } catch {
    throw new Problem({ title: 'Không kết nối được với cổng. Kiểm tra kết nối mạng rồi thử lại.', code: 'MAT_KET_NOI' }, 0);
  }
  if (response.status === 401) sessionStorage.removeItem(TOKEN);
  const type = response.headers.get('content-type') || '';
  const data = type.includes('json') ? await response.json() : null;
  if (!response.ok) throw new Problem(data || { title: `Đã có lỗi xảy ra (mã ${response.status}). Vui lòng thử lại.` }, response.status);
  return data;
}

export const signedIn = () => sessionStorage.getItem(TOKEN) !== null;

const base64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** Sends the citizen to the identity provider; they come back to /dang-nhap/. */
export async function signIn() {
  const config = await api('/auth/config');
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem(PKCE, JSON.stringify({ verifier, state, back: location.pathname + location.search, token_url: config.token_url, client_id: config.client_id }));
  const url = new URL(config.authorize_url, location.href);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: config.client_id, redirect_uri: location.origin + '/dang-nhap/',
    scope: config.scope, state, code_challenge: challenge, code_challenge_method: 'S256',
  });
  location.assign(url);
}

/** On /dang-nhap/: trades the code for a token and goes back. */
export async function finishSignIn() {
  const params = new URLSearchParams(location.search);
  const pending = JSON.parse(sessionStorage.getItem(PKCE) || 'null');
  sessionStorage.removeItem(PKCE);
  if (!pending || params.get('state') !== pending.state || !params.get('code')) {
    throw new Problem({ title: 'Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.' }, 400);
  }
  const response = await fetch(pending.token_url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: params.get('code'), code_verifier: pending.verifier, redirect_uri: location.origin + '/dang-nhap/', client_id: pending.client_id }),
  });
  if (!response.ok) throw new Problem({ title: 'Không đăng nhập được. Vui lòng thử lại.' }, response.status);
  sessionStorage.setItem(TOKEN, (await response.json()).access_token);
  location.replace(pending.back || '/');
}

export function signOut() {
  sessionStorage.removeItem(TOKEN);
}

/** Shows `problems` ([{text, target}]) in the page's error summary and moves focus there. */
export function showErrors(summary, problems) {
  const list = summary.querySelector('ul');
  list.replaceChildren(...problems.map(({ text, target }) => {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = '#' + (target || 'noi-dung');
    link.textContent = text;
    item.append(link);
    return item;
  }));
  summary.hidden = problems.length === 0;
  if (problems.length) summary.focus();
}

export const element = (tag, attributes = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === false || value === undefined || value === null) continue;
    if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  node.append(...children);
  return node;
};

export const sizeText = (bytes) =>
  bytes >= 1048576 ? (bytes / 1048576).toFixed(1).replace('.', ',') + ' MB' : Math.max(1, Math.round(bytes / 1024)) + ' KB';

/** File types the portal accepts, by extension (some phones send no type). */
export const EXTENSIONS = { pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };

const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');

/**
 * Checks a file against the procedure's limits (`already`: bytes of the
 * dossier so far), announces it and PUTs it to storage, reporting progress
 * in percent. Resolves to the upload id; rejects with a Problem whose message
 * says, in Vietnamese, what is wrong with this file. Officials announce
 * through `/can-bo/uploads`.
 */
export async function uploadFile(file, limits, already, onProgress, endpoint = '/uploads') {
  const type = file.type || EXTENSIONS[file.name.split('.').pop().toLowerCase()] || '';
  const refuse = (title) => { throw new Problem({ title }, 400); };
  if (!limits.file_types.includes(type)) refuse('chỉ nhận tệp PDF, JPG, PNG, DOCX hoặc XLSX.');
  if (file.size === 0) refuse('tệp rỗng.');
  if (file.size > limits.max_file_bytes) refuse(`tệp lớn hơn ${sizeText(limits.max_file_bytes)}.`);
  if (already + file.size > limits.max_dossier_bytes) refuse(`cả hồ sơ không được quá ${sizeText(limits.max_dossier_bytes)}.`);
  const sha256 = hex(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
  const ticket = await api(endpoint, { method: 'POST', body: { file_name: file.name, size: file.size, sha256, content_type: type } });
  await new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(ticket.method, ticket.url);
    for (const h of ticket.headers) request.setRequestHeader(h.name, h.value);
    request.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(Math.round((100 * e.loaded) / e.total)); };
    request.onload = () => (request.status < 300 ? resolve() : reject(new Problem({ title: 'kho lưu trữ từ chối tệp, vui lòng tải lại.' }, request.status)));
    request.onerror = () => reject(new Problem({ title: 'mất kết nối khi tải lên, vui lòng tải lại.' }, 0));
    request.send(file);
  });
  return ticket.upload_id;
}

/**
 * Uploads `file` shown as a row of `list` — "label (size)", a progress bar,
 * then "đã tải lên" or, if refused, why, with a button to drop the row.
 * Resolves to `{ id, row }`; `id` is null when the file was refused.
 */
export async function uploadWithRow(list, file, label, limits, already, attributes = {}, endpoint = '/uploads') {
  const row = element('li', { class: 'file-row', ...attributes });
  const note = element('span', { text: ` ${label} (${sizeText(file.size)}) ` });
  const bar = element('progress', { max: '100', value: '0', 'aria-label': 'Tiến độ tải lên ' + file.name });
  row.append(note, bar);
  list.append(row);
  try {
    const id = await uploadFile(file, limits, already, (percent) => { bar.value = percent; }, endpoint);
    note.textContent = ` ${label} (${sizeText(file.size)}) — đã tải lên `;
    return { id, row };
  } catch (error) {
    row.classList.add('has-error');
    row.prepend(element('span', { class: 'field-error', text: `${file.name}: ${error.message}` }));
    const drop = element('button', { type: 'button', class: 'secondary', text: 'Bỏ' });
    drop.addEventListener('click', () => row.remove());
    row.append(drop);
    return { id: null, row };
  } finally {
    row.removeAttribute('data-uploading');
    bar.remove();
  }
}
