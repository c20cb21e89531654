// The call control gadget in French, end to end: our desktop opened as Cisco's is for another
// language (`/desktop/?locale=fr_FR`) gives the gadget the container's `locale` pref, and the
// gadget then speaks French (finesse-ui's i18n) and works: Ready, a call answered and ended,
// Not Ready with a reason, each step checked against the simulator; the out-of-service banner;
// refused actions (HTTP 503, and a CTI error) said in French, with the server's codes verbatim.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until, watchErrors } from './lib.mjs';
import { AGENT, FRENCH_SIGN_IN, expectFrenchDesktop, useDesktopEnv, card, callStatus, chooseReason, shot, stateText, toasts } from './call-control-agent.mjs';

const h = useDesktopEnv({ agent: { wrap_up_on_incoming: '"NOT_ALLOWED"' } });

/** English texts that must not show in the French gadget (whole words, case-sensitive). */
const ENGLISH = ['Ready', 'Not Ready', 'Sign Out', 'Make a New Call', 'Answer', 'Hold', 'End', 'Duration', 'Call Type', 'Incoming', 'Active', 'Extension', 'Keypad', 'Consult'];

async function noEnglish(gadget) {
  const text = await gadget.locator('main').innerText();
  for (const english of ENGLISH) {
    assert.doesNotMatch(text, new RegExp(`\\b${english}\\b`), `"${english}" in the French gadget:\n${text}`);
  }
}

test('fr_FR: the gadget speaks French and works (Ready, answer, end, Not Ready with a reason)', async () => {
  const page = await h.browser.newPage();
  const errors = watchErrors(page);
  // The desktop's own sign-in form, header and tabs speak French too.
  const gadget = await h.signIn(page, { query: '?locale=fr_FR', signInLabels: FRENCH_SIGN_IN });
  await h.expectState(gadget, 'Non prêt', 'NOT_READY');
  await expectFrenchDesktop(page, ['Accueil']);

  // The language reached the gadget: its prefs, its document, its title.
  assert.match(gadget.url(), /[?&]up_locale=fr_FR(&|$)/);
  assert.equal(await gadget.locator('main').getAttribute('lang'), 'fr');
  assert.equal(await gadget.locator('html').getAttribute('lang'), 'fr-FR');
  await until('the French title', async () => (await gadget.title()) === 'Contrôle des appels');
  await until('the French frame header', async () => (await page.getByText('Contrôle des appels', { exact: true }).count()) === 1);
  for (const name of ['Prêt', 'Non prêt', 'Déconnexion', 'Passer un nouvel appel']) {
    assert.equal(await gadget.getByRole('button', { name, exact: true }).count(), 1, name);
  }
  assert.equal(await gadget.getByRole('group', { name: 'État de l’agent' }).count(), 1);
  await noEnglish(gadget);
  await shot(page, 'fr-1-not-ready');

  await h.ready(gadget, 'Prêt');
  const dialog = await h.injectCall({ callVariable1: 'Client français' });
  const call = card(gadget, dialog);
  const answer = call.getByRole('button', { name: 'Répondre', exact: true });
  await answer.waitFor({ timeout: 20000 });
  await callStatus(gadget, dialog, 'Entrant');
  assert.equal(await call.getByRole('group', { name: 'Commandes d’appel' }).count(), 1);
  assert.match(await call.textContent(), /Client français/);
  await noEnglish(gadget);
  await shot(page, 'fr-2-ringing');

  await answer.click();
  await callStatus(gadget, dialog, 'Actif');
  await until('the simulator to see the call answered', async () => (await h.simDialogs()).some((d) => d.id === dialog && d.state === 'ACTIVE'));
  await h.expectState(gadget, 'En communication', 'TALKING');
  for (const name of ['Attente', 'Consultation', 'Clavier', 'Raccrocher']) {
    assert.equal(await call.getByRole('button', { name, exact: true }).count(), 1, name);
  }
  await noEnglish(gadget);
  await shot(page, 'fr-3-talking');

  await call.getByRole('button', { name: 'Raccrocher', exact: true }).click();
  await until('the call to end', async () => (await h.simDialogs()).length === 0);
  await until('the card to go', async () => (await call.count()) === 0);
  await h.expectState(gadget, 'Prêt', 'READY');

  // Not Ready with a reason: the menu is named in French, the reasons are the server's labels.
  await chooseReason(gadget, 'Non prêt', 'Lunch');
  await h.expectState(gadget, 'Non prêt \u2013 Lunch', 'NOT_READY');
  await noEnglish(gadget);
  await shot(page, 'fr-4-not-ready-lunch');
  assert.deepEqual(errors.filter((e) => !e.includes('favicon')), []);

  // A CTI refusal: another client signs the agent out while notifications are held back, so
  // the gadget still offers Ready; from Signed Out the server refuses it (HTTP 400, CTI 257).
  await h.sim.admin('notify_delay_ms=8000');
  const res = await h.rest('PUT', `User/${AGENT.id}`, '<User><state>LOGOUT</state><reasonCodeId>10</reasonCodeId></User>');
  assert.equal(res.status, 202, await res.text());
  await until('the simulator to sign the agent out', async () => (await h.simState()) === 'LOGOUT');
  assert.match(await stateText(gadget), /^Non prêt/);
  await gadget.getByRole('button', { name: 'Prêt', exact: true }).click();
  const refused = await until('the French refusal',
    async () => (await toasts(gadget)).find((t) => t.includes('CTI')));
  // The sentence is French; the code and the constant are the server's, as it sent them.
  assert.match(refused, /^Impossible de passer à l’état Prêt : ce n’est pas permis dans l’état actuel \(erreur CTI \d+, CF_[A-Z_]+\)\.$/);
  assert.equal(await gadget.getByRole('alert').filter({ hasText: refused }).count(), 1);
  assert.equal(await h.simState(), 'LOGOUT');
  await noEnglish(gadget);
  assert.doesNotMatch(await gadget.locator('main').innerText(), /Could not|not allowed/);
  await shot(page, 'fr-5-refused-cti');
  await h.sim.admin('notify_delay_ms=0');
  await h.expectState(gadget, 'Déconnecté', 'LOGOUT');
  // Signed in again (as the other desktop would), for what follows.
  const login = await h.rest('PUT', `User/${AGENT.id}`, `<User><state>LOGIN</state><extension>${AGENT.extension}</extension></User>`);
  assert.equal(login.status, 202, await login.text());
  await h.expectState(gadget, 'Non prêt', 'NOT_READY');

  // Out of service (the browser logs the 503 answers): the banner in French too.
  await h.sim.admin('out_of_service=true');
  const banner = gadget.getByTestId('gadget-banner');
  await until('the French out-of-service banner',
    async () => /^Finesse est hors service\b/.test(await banner.textContent({ timeout: 1000 }).catch(() => '')));
  await shot(page, 'fr-6-out-of-service');

  // Ready while out of service: refused with a 503; the toast (an alert) says so in French.
  assert.equal(await h.simState(), 'NOT_READY');
  await gadget.getByRole('button', { name: 'Prêt', exact: true }).click();
  const unavailable = await until('the French 503 toast',
    async () => (await toasts(gadget)).find((t) => t.includes('hors service')));
  assert.equal(unavailable,
    'Impossible de passer à l’état Prêt : le serveur Finesse est hors service ; réessayez dans quelques secondes.');
  assert.equal(await gadget.getByRole('alert').filter({ hasText: unavailable }).count(), 1);
  assert.equal(await h.simState(), 'NOT_READY');
  await noEnglish(gadget);
  assert.doesNotMatch(await gadget.locator('main').innerText(), /Could not|the Finesse server/);
  await shot(page, 'fr-7-refused-503');
  await h.sim.admin('out_of_service=false');
  await until('the banner to go', async () => (await banner.count()) === 0, 30000);
  await page.close();
});
