// What the call control e2e tests share: an agent signed in to our desktop against a running
// simulator, the call control gadget's frame (found by its spec URL, not by its position in the
// layout), the simulator's own truth (admin endpoints, the REST API) and the agent's moves in
// the gadget, by accessible name.
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, after } from 'node:test';
import { ARTIFACTS, ROOT, basic, launch, startSim, until } from './lib.mjs';
import { scenario } from './scenario.mjs';

/** The demo's API-driven agent. */
export const AGENT = { id: '1001001', password: 'pass1001001', extension: '1001001' };

/** Our desktop's sign-in form in French (`?locale=fr_FR`): `signIn`'s `signInLabels`. */
export const FRENCH_SIGN_IN = { heading: 'Se connecter', id: 'Identifiant', password: 'Mot de passe', extension: 'Poste', submit: 'Connexion' };

/**
 * Checks that our signed-in desktop speaks French: `<html lang>`, the document title, the
 * header's title (the layout's, a known one) and Sign Out, the tabs (`tabs`: their French
 * names, in order); none of the desktop's own English.
 */
export async function expectFrenchDesktop(page, tabs) {
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  assert.equal(await page.title(), 'Bureau des gadgets Finesse');
  const header = page.locator('header.top');
  assert.equal(await header.getByRole('button', { name: 'Déconnexion', exact: true }).count(), 1);
  assert.deepEqual(await page.getByRole('tab').allTextContents(), tabs);
  const own = `${await header.innerText()}\n${await page.getByRole('tablist').innerText()}`;
  assert.match(own, /Bureau des gadgets Finesse/);
  for (const english of ['Sign Out', 'Home', 'My History', 'Desktop']) {
    assert.doesNotMatch(own, new RegExp(`\\b${english}\\b`), `"${english}" on the French desktop:\n${own}`);
  }
}

/** The gadget's spec, as the layout names it (encodeURIComponent keeps it readable). */
const SPEC = 'call-control.xml';

/** Helpers for `agent` on the simulator `sim` (from `startSim`). */
export function agentHelpers(sim, agent = AGENT) {
  const admin = (method, pathAndQuery, body) => sim.adminRequest(method, pathAndQuery, body);

  /** A caller in `queue`, offered to the agent (who must be Ready); the dialog id. */
  const injectCall = (variables = {}, queue = '5001', to = agent.id) => admin(
    'POST',
    `/admin/calls?queue=${queue}&agent=${to}`,
    Object.entries(variables).map(([k, v]) => `${k}=${v}`).join('\n'),
  );

  /** The simulator's truth: the agent's dialogs as `{ id, type, state }`. */
  async function simDialogs(user = agent.id) {
    const text = await admin('GET', `/admin/dialogs?user=${user}`);
    return text ? text.split('\n').map((l) => { const [id, type, state] = l.split(' '); return { id, type, state }; }) : [];
  }

  /** The simulator's truth: the agent's state (`READY`, `NOT_READY`, …). */
  const simState = async (user = agent.id) => (await sim.agents())[user];

  /** A REST request as the agent (another client of the same agent, or a check). */
  const rest = (method, apiPath, body) => fetch(`${sim.url}/finesse/api/${apiPath}`, {
    method,
    headers: { authorization: basic(agent.id, agent.password), 'content-type': 'application/xml' },
    body,
  });

  /** Signs in to our desktop (`query`: e.g. `?locale=fr_FR`); the call control gadget's frame. */
  async function signIn(page, { query = '', signInLabels = {} } = {}) {
    const labels = { heading: 'Sign in', id: 'ID', password: 'Password', extension: 'Extension', submit: 'Sign In', ...signInLabels };
    await page.goto(`${sim.url}/desktop/${query}`);
    await page.getByRole('heading', { name: labels.heading, exact: true }).waitFor({ timeout: 15000 });
    await page.getByLabel(labels.id, { exact: true }).fill(agent.id);
    await page.getByLabel(labels.password, { exact: true }).fill(agent.password);
    await page.getByLabel(labels.extension, { exact: true }).fill(agent.extension);
    await page.getByRole('button', { name: labels.submit, exact: true }).click();
    await page.getByTestId('signed-in-user').waitFor({ timeout: 15000 });
    const gadget = await callControlFrame(page);
    await gadget.getByTestId('agent-state').waitFor({ timeout: 20000 });
    return gadget;
  }

  /** Waits until the gadget shows `label` (a prefix) and, if given, the simulator says `simValue`. */
  async function expectState(gadget, label, simValue) {
    await until(`the gadget to show ${label}`, async () => (await stateText(gadget)).startsWith(label));
    if (simValue) await until(`the simulator to say ${simValue}`, async () => (await simState()) === simValue);
  }

  /** Clicks Ready (`name`: its label in the gadget's language) and waits for READY. */
  async function ready(gadget, name = 'Ready') {
    await gadget.getByRole('button', { name, exact: true }).click();
    await expectState(gadget, name, 'READY');
  }

  return { admin, injectCall, simDialogs, simState, rest, signIn, expectState, ready };
}

/**
 * The simulator on a quiet demo scenario (`edits`: see scenario.mjs), serving dist/ where Finesse
 * keeps third-party gadgets, and a browser: `{ sim, browser, stop, ...agentHelpers(sim) }`.
 * `agent` changes keys of the agent's own scenario entry.
 */
export async function desktopEnv({ agent = {}, ...edits } = {}) {
  const agents = [...(edits.agents ?? []), ...(Object.keys(agent).length ? [{ id: AGENT.id, set: agent }] : [])];
  const file = await scenario({ ...edits, agents });
  const sim = await startSim({
    args: ['--scenario', file, '--static', `/3rdpartygadget/files=${path.join(ROOT, 'dist')}`],
  });
  let browser;
  try {
    browser = await launch();
  } catch (e) {
    await sim.stop();
    throw e;
  }
  const stop = async () => {
    await browser.close();
    await sim.stop();
  };
  return { sim, browser, stop, ...agentHelpers(sim) };
}

/**
 * `desktopEnv(edits)` for the tests of this file: started before them, stopped after them. The
 * object it returns is filled in once the `before` hook ran.
 */
export function useDesktopEnv(edits) {
  const env = {};
  before(async () => { Object.assign(env, await desktopEnv(typeof edits === 'function' ? edits() : edits)); });
  after(() => env.stop?.());
  return env;
}

/** The call control gadget's frame in the desktop page, whatever else the layout holds. */
export async function callControlFrame(page) {
  const handle = await page.waitForSelector(`iframe[src*="${SPEC}"]`, { timeout: 15000 });
  return handle.contentFrame();
}

export const stateText = (gadget) => gadget.getByTestId('agent-state').textContent();

/** The card of the call with `dialog` id. */
export const card = (gadget, dialog) => gadget.locator(`[data-dialog-id="${dialog}"]`);

/** Waits until the card of `dialog` shows `status`. */
export async function callStatus(gadget, dialog, status) {
  await until(`call ${dialog} to be ${status}`,
    async () => (await card(gadget, dialog).getByTestId('call-status').textContent().catch(() => '')) === status);
}

/** A full-page screenshot in tests/artifacts/call-control-<name>.png. */
export async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `call-control-${name}.png`), fullPage: true });
}

/** Picks a reason from the Not Ready (or Sign Out) menu with the keyboard. */
export async function chooseReason(gadget, group, reason) {
  const button = gadget.getByRole('button', { name: group, exact: true });
  await button.focus();
  await button.press('Enter');
  const item = gadget.getByRole('menuitem', { name: reason, exact: true });
  await item.waitFor();
  await item.focus();
  await item.press('Enter');
}

/** The toasts' texts. */
export const toasts = (gadget) => gadget.locator('.toast-text').allTextContents();
