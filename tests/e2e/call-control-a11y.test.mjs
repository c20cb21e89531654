// Accessibility of the call control gadget in our desktop: axe-core (the npm package, injected
// into the gadget's frame) in the gadget's main states, signed in and Ready, a ringing call, a
// call in progress with its keypad, the Not Ready menu open, the Make a New Call dial pad open,
// and an error shown. No serious or critical violation is allowed; the others are reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { useDesktopEnv, card, callStatus, shot } from './call-control-agent.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const h = useDesktopEnv({ agent: { wrap_up_on_incoming: '"NOT_ALLOWED"' } });

/**
 * axe-core over the gadget's document: its violations as `{ id, impact, help, targets }` (and
 * a check that it did look: rules passed on the gadget's buttons).
 */
async function axe(gadget) {
  if (!(await gadget.evaluate(() => typeof window.axe === 'object'))) {
    await gadget.addScriptTag({ path: AXE });
  }
  const { violations, buttonsChecked } = await gadget.evaluate(async () => {
    const result = await window.axe.run(document);
    return {
      violations: result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')),
      })),
      buttonsChecked: result.passes.find((p) => p.id === 'button-name')?.nodes.length ?? 0,
    };
  });
  assert.ok(buttonsChecked >= 3, `axe checked ${buttonsChecked} buttons`);
  return violations;
}

const report = [];

/** Runs axe in the state `name` (the verdict comes at the end, over every state). */
async function check(page, gadget, name) {
  report.push({ state: name, violations: await axe(gadget) });
  await shot(page, `a11y-${name}`);
}

test('no serious or critical axe-core violation in the gadget\'s main states', async () => {
  const page = await h.browser.newPage();
  const gadget = await h.signIn(page);
  await h.expectState(gadget, 'Not Ready', 'NOT_READY');
  await h.ready(gadget);
  await check(page, gadget, 'ready');

  // The Not Ready menu open.
  await gadget.getByRole('button', { name: 'Not Ready', exact: true }).click();
  await gadget.getByRole('menu').waitFor();
  await check(page, gadget, 'not-ready-menu');
  await gadget.getByRole('menu').press('Escape');
  await gadget.getByRole('menu').waitFor({ state: 'detached' });

  // A ringing call, then the call in progress with its keypad open.
  const dialog = await h.injectCall({ callVariable1: 'Accessible customer', callVariable2: '100234' });
  const call = card(gadget, dialog);
  await call.getByRole('button', { name: 'Answer' }).waitFor({ timeout: 20000 });
  await check(page, gadget, 'ringing');
  await call.getByRole('button', { name: 'Answer' }).click();
  await callStatus(gadget, dialog, 'Active');
  await check(page, gadget, 'talking');
  await call.getByRole('button', { name: 'Keypad' }).click();
  await call.getByRole('button', { name: '5', exact: true }).waitFor();
  await check(page, gadget, 'keypad');
  await call.getByRole('button', { name: 'Consult', exact: true }).click();
  await call.getByRole('form', { name: 'Consult' }).waitFor();
  await check(page, gadget, 'consult-form');
  await call.getByRole('button', { name: 'End' }).click();
  await h.expectState(gadget, 'Ready', 'READY');

  // The dial pad of Make a New Call (Not Ready: calls can be made).
  await gadget.getByRole('button', { name: 'Not Ready', exact: true }).click();
  await gadget.getByRole('menuitem', { name: 'Lunch', exact: true }).click();
  await h.expectState(gadget, 'Not Ready', 'NOT_READY');
  await gadget.getByRole('button', { name: 'Make a New Call' }).click();
  await gadget.getByRole('form', { name: 'Make a New Call' }).waitFor();
  await check(page, gadget, 'dial-pad');

  // An error and the out-of-service banner.
  await h.sim.admin('out_of_service=true');
  await gadget.getByTestId('gadget-banner').waitFor({ timeout: 20000 });
  await gadget.getByRole('button', { name: 'Ready', exact: true }).click();
  await gadget.locator('.toast').first().waitFor({ timeout: 20000 });
  await check(page, gadget, 'out-of-service');
  await h.sim.admin('out_of_service=false');

  await page.close();
  assert.equal(report.length, 8);
  const all = report.flatMap((r) => r.violations.map((v) => ({ state: r.state, ...v })));
  const blocking = all.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = all.filter((v) => !blocking.includes(v));
  if (minor.length) console.log(`moderate/minor axe findings: ${JSON.stringify(minor, null, 1)}`);
  assert.deepEqual(blocking, [], 'serious or critical violations');
});
