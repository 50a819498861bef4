import { finishSignIn } from './portal.js';

finishSignIn().catch((error) => {
  const status = document.getElementById('trang-thai');
  status.textContent = error.message;
  status.append(' ', Object.assign(document.createElement('a'), { href: '/', textContent: 'Về trang chủ' }));
});
