// Accessibility of the built site on a 375-px phone: axe-core (WCAG 2.1 A and
// AA rules) on a procedure page and the other page types; any serious or
// critical violation fails. Usage: node axe.mjs <built site dir> <port>
// (the site built with base_url http://127.0.0.1:<port>, so that its
// stylesheets load and contrast is checked on the real colours).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launch, phone } from './chromium.mjs';
import { serve } from './serve.mjs';

const [root, port] = process.argv.slice(2);
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const { server, url } = await serve(root, Number(port));
const pages = ['/thu-tuc/1-001193/', '/thu-tuc/2-002235/', '/', '/thu-tuc/', '/linh-vuc/', '/linh-vuc/ho-tich/',
  '/huong-dan/nop-ho-so-truc-tuyen/', '/nop-ho-so/?thu-tuc=1.001193', '/tra-cuu/', '/ho-so-cua-toi/', '/404.html',
  '/tim-kiem/?q=dang+ky+khai+sinh', '/dat-cau-hoi/?thu-tuc=1.001193', '/tra-cuu-cau-hoi/',
  '/gui-phan-anh/?thu-tuc=1.001193', '/tra-cuu-phan-anh/', '/huong-dan/phan-anh-kien-nghi/'];
const browser = await launch();
let failed = 0;
try {
  for (const path of pages) {
    const page = await (await browser.newContext(phone)).newPage();
    const response = await page.goto(url + path);
    if (path !== '/404.html' && response.status() !== 200) {
      console.error(`${path}: HTTP ${response.status()}`);
      failed++;
      continue;
    }
    if (path.startsWith('/tim-kiem/')) {
      // With its results and the filters open (their values counted over the results).
      await page.waitForSelector('#ket-qua li');
      await page.click('#tim-kiem summary');
      await page.waitForFunction(() => document.querySelector('#loc-linh-vuc').options[1]?.text.endsWith(')'));
    }
    const styled = await page.evaluate(() => getComputedStyle(document.body).fontFamily.includes('system-ui'));
    if (!styled) {
      console.error(`${path}: the stylesheet did not load`);
      failed++;
    }
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(() =>
      window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }));
    const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    const minor = result.violations.length - serious.length;
    console.log(`${path}: ${result.passes.length} rules pass, ${serious.length} serious or critical, ${minor} minor`);
    for (const v of result.violations) {
      console.log(`  [${v.impact}] ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    }
    failed += serious.length;
  }
} finally {
  await browser.close();
  server.close();
}
if (failed) {
  console.error(`${failed} serious or critical accessibility problems`);
  process.exit(1);
}
