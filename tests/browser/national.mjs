// The national portal in the loop: what the conformance peer (dvcqg-peer,
// which scripts/test-browser starts and the devserver syncs with) received
// of a dossier and holds of it, against our tracking answer. The peer's
// `GET /_export` is every request body in the order it arrived, `GET
// /_state` what it holds. The devserver's outbox worker sends every few
// seconds, so this waits, within a bound, until the peer has caught up.
import assert from 'node:assert/strict';

const SYNC_DOSSIER = 'DongBoHoSoMC';
const PROGRESS = 'CapNhatTienDoHoSoMC';

/** "2026-12-01T22:10:32+07:00" (civil time at UTC+7) as the wire writes it: "20261201221032". */
const wireTime = (rfc3339) => rfc3339.slice(0, 19).replace(/[-T:]/g, '');

/**
 * The steps the portal should hold of a dossier, in order: every event of
 * its history but the online submission, which the dossier packet carries.
 */
export function expectedSteps(view) {
  return view.history.filter((h) => h.action !== 'Nộp hồ sơ trực tuyến').map((h) => ({
    at: wireTime(h.at), status: String(h.status.code), action: h.action, note: h.note || null,
  }));
}

const fits = (step, want) => step.ThoiDiemXuLy === want.at && step.TrangThai === want.status
  && step.NoiDungXuLy.startsWith(want.action) && (!want.note || step.NoiDungXuLy.endsWith(want.note));
const stepKey = (s) => `${s.ThoiDiemXuLy}|${s.TrangThai}|${s.NoiDungXuLy}`;

async function json(url) {
  const response = await fetch(url);
  assert.equal(response.status, 200, url);
  return response.json();
}

/** What the peer received for dossier `code`, in arrival order: dossier packets and steps (a repeat kept once). */
async function received(peer, code) {
  const text = await (await fetch(peer + '/_export')).text();
  const dossiers = [];
  const steps = [];
  const seen = new Set();
  text.split('\n').filter(Boolean).forEach((line, at) => {
    const body = JSON.parse(line);
    if (!Array.isArray(body.data)) return;
    for (const item of body.data.filter((d) => d.MaHoSo === code)) {
      if (body.service === SYNC_DOSSIER) dossiers.push({ at, updating: body.isUpdating, status: item.TrangThaiHoSo });
      if (body.service === PROGRESS && !seen.has(stepKey(item))) {
        seen.add(stepKey(item));
        steps.push({ at, ...item });
      }
    }
  });
  return { dossiers, steps };
}

/** Does the peer hold dossier `code` as `view` says it is? A reason when not yet. */
function differs(state, view) {
  const held = state.dossiers[view.code];
  if (!held) return 'the peer does not hold the dossier';
  if (held.TrangThaiHoSo !== String(view.status.code)) return `status ${held.TrangThaiHoSo} there, ${view.status.code} here`;
  const want = expectedSteps(view);
  const steps = state.progress[view.code] || [];
  if (steps.length !== want.length) return `${steps.length} steps there, ${want.length} here`;
  // The peer orders its steps by (time, status, text); within one second that is not the order they happened in.
  const unmatched = want.filter((w) => !steps.some((s) => fits(s, w)));
  if (unmatched.length) return `steps missing there: ${unmatched.map((w) => `${w.action} (${w.status})`).join('; ')}`;
  return null;
}

/**
 * Waits until the peer holds dossier `view.code` with our status and every
 * step of our history, then checks that it received the dossier before its
 * first step and the steps in the order they happened, and that what it
 * holds of the dossier is ours. Returns a line for the log.
 */
export async function heldByPeer(peer, view, bound = 120) {
  let reason = '';
  for (let attempt = 0; attempt < bound; attempt++) {
    reason = differs(await json(peer + '/_state'), view);
    if (!reason) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  assert.equal(reason, null, `national portal: dossier ${view.code}: ${reason}`);
  const state = await json(peer + '/_state');
  const held = state.dossiers[view.code];
  assert.equal(held.MaTTHC, view.procedure_code);
  assert.equal(held.NgayNopHoSo, wireTime(view.received_at), 'submitted when we say');
  const returned = view.history.find((h) => h.status.code === 10);
  if (returned) assert.equal(held.NgayTra, wireTime(returned.at), 'returned when we say');
  if (view.appointment) assert.equal(held.NgayHenTra, wireTime(view.appointment.at), 'the appointment there is ours');

  const { dossiers, steps } = await received(peer, view.code);
  const want = expectedSteps(view);
  assert.ok(dossiers.length > 0, 'the dossier was sent');
  assert.equal(dossiers[0].updating?.toString(), 'False', 'the first dossier packet inserts it');
  if (steps.length) assert.ok(dossiers[0].at < steps[0].at, 'the dossier arrived before its first step');
  assert.equal(steps.length, want.length, 'every step arrived once (repeats aside)');
  steps.forEach((s, i) => assert.ok(fits(s, want[i]),
    `step ${i + 1} arrived as “${s.NoiDungXuLy}” (${s.TrangThai}, ${s.ThoiDiemXuLy}); it was “${want[i].action}” (${want[i].status}, ${want[i].at})`));
  return `${view.code} held by the national portal: status ${held.TrangThaiHoSo}, ${steps.length} steps in order`;
}

/** The dossier `code` as the peer holds it (the `DongBoHoSoMC` packet last accepted). */
export async function peerDossier(peer, code) {
  return (await json(peer + '/_state')).dossiers[code];
}
