// Browser tests of Preview (pull, the campaign icon) and Direct Preview (PRODUCT.md §5.1, §5.3).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { adminApi, contact, launch, login, newAgent, shot, startServer, textOf, until, waitText } from './helpers.mjs';

describe('agent desktop: pull mode and Direct Preview', () => {
  let server, browser, api;
  before(async () => {
    server = await startServer({ rules: [{ match: '*', outcome: 'answer', after_ms: 2000 }] });
    browser = await launch();
    api = await adminApi(server.url);
    await api.pauseAll();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('pull mode: the campaign icon asks for a contact; Accept dials; the icon is disabled until the contact is done', async () => {
    const agent = await newAgent(api);
    await api.campaign(
      { name: 'E2E pull', description: 'Pull: win-back', mode: 'preview', teams: [agent.team], preview_offer_timeout_s: 300, preview_timeout_action: 'skip' },
      [contact('Pull Paula', '+12015558101', { reason: 'moved' })],
    );
    const page = await browser.context.newPage();
    await login(page, server.url, agent.username, agent.password);
    const icon = page.getByTestId('campaign-icon');
    await icon.waitFor();
    await until(async () => !(await icon.isDisabled()), 'campaign icon enabled');
    await icon.click();
    await waitText(page.getByTestId('offer-contact-name'), /^Pull Paula$/, 'pulled contact');
    assert.equal(await page.getByTestId('offer-remove').isDisabled(), true, 'no Remove in pull mode');
    assert.equal(await page.getByTestId('offer-skip').isDisabled(), false);
    assert.equal(await icon.isDisabled(), true);
    await shot(page, 'pull-01-offer');
    await page.getByTestId('offer-accept').click();
    await page.getByTestId('task-card').waitFor();
    assert.equal(await textOf(page.getByTestId('task-description')), 'Pull: win-back');
    await waitText(page.getByTestId('call-state'), /^Connected$/, 'Connected', 20_000);
    assert.equal(await icon.isDisabled(), true);
    await page.getByTestId('call-end').click();
    await page.getByTestId('wrapup-disposition').selectOption('not_interested');
    await page.getByTestId('wrapup-submit').click();
    await until(async () => (await page.getByTestId('task-card').count()) === 0, 'card gone');
    await until(async () => !(await icon.isDisabled()), 'icon enabled again');
    // nothing left: the server answers NO_CALLABLE_CONTACTS
    await icon.click();
    await waitText(page.getByTestId('reason-code'), /^NO_CALLABLE_CONTACTS$/, 'no contacts');
    await shot(page, 'pull-02-no-contacts');
    // The pages switch to German; reason codes keep their code and get the German sentence.
    await page.getByTestId('lang-switch').selectOption('de');
    await waitText(page.getByTestId('reason-sentence'), /^Im Moment gibt es keine anrufbaren Kontakte\.$/, 'German sentence');
    assert.equal(await textOf(page.getByTestId('reason-code')), 'NO_CALLABLE_CONTACTS');
    assert.equal(await textOf(page.getByTestId('campaign-icon')), 'Vorschau');
    await shot(page, 'pull-03-german');
    await page.getByTestId('lang-switch').selectOption('en');
    await page.close();
  });

  test('Direct Preview: Accept → Ringing → Connected when the customer answers → End → wrap-up', async () => {
    const agent = await newAgent(api);
    await api.campaign(
      { name: 'E2E direct', description: 'Direct: welcome call', mode: 'preview_direct', teams: [agent.team] },
      [contact('Direct Dora', '+12015558201')],
    );
    const page = await browser.context.newPage();
    await login(page, server.url, agent.username, agent.password);
    await page.getByTestId('state-available').click();
    await waitText(page.getByTestId('offer-contact-name'), /^Direct Dora$/, 'offer');
    await page.getByTestId('offer-accept').click();
    await page.getByTestId('task-card').waitFor();
    await waitText(page.getByTestId('call-state'), /^Ringing$/, 'Ringing');
    assert.equal(await page.getByTestId('call-end').isDisabled(), false, 'in Direct Preview the agent may give up while it rings');
    await waitText(page.getByTestId('call-state'), /^Connected$/, 'Connected');
    assert.equal(await page.getByTestId('amd-result').count(), 0, 'no CPA in Direct Preview');
    await shot(page, 'direct-01-connected');
    // A reload (or a dropped connection) restores the call from the snapshot frame.
    await page.reload();
    await waitText(page.getByTestId('call-state'), /^Connected$/, 'Connected after reload');
    assert.equal(await textOf(page.getByTestId('task-description')), 'Direct: welcome call');
    assert.match(await textOf(page.getByTestId('task-timer')), /^\d+:\d\d$/);
    await page.getByTestId('call-end').click();
    await page.getByTestId('wrapup-disposition').waitFor();
    // Reloaded in wrap-up, the desktop gets the dispositions from the snapshot (no wrapup event).
    await page.reload();
    await page.getByTestId('wrapup-disposition').selectOption('sale');
    assert.equal(await textOf(page.getByTestId('task-description')), 'Direct: welcome call');
    await page.getByTestId('wrapup-submit').click();
    await waitText(page.getByTestId('agent-state'), /^Available$/, 'Available');
    await page.close();
  });

  test('wrap-up with a callback disposition asks for the callback time and schedules the contact', async () => {
    const agent = await newAgent(api);
    const camp = await api.campaign(
      { name: 'E2E callback', description: 'callback', mode: 'preview_direct', teams: [agent.team] },
      [contact('Callback Carl', '+12015558301')],
    );
    const page = await browser.context.newPage();
    await login(page, server.url, agent.username, agent.password);
    await page.getByTestId('state-available').click();
    await waitText(page.getByTestId('offer-contact-name'), /^Callback Carl$/, 'offer');
    await page.getByTestId('offer-accept').click();
    await waitText(page.getByTestId('call-state'), /^Connected$/, 'Connected');
    await page.getByTestId('call-end').click();
    await page.getByTestId('wrapup-disposition').selectOption('callback');
    const picker = page.getByTestId('wrapup-callback');
    await picker.waitFor();
    const when = new Date(Date.now() + 26 * 3600_000);
    when.setSeconds(0, 0);
    const p2 = (n) => String(n).padStart(2, '0');
    await picker.fill(`${when.getFullYear()}-${p2(when.getMonth() + 1)}-${p2(when.getDate())}T${p2(when.getHours())}:${p2(when.getMinutes())}`);
    await shot(page, 'direct-02-callback');
    await page.getByTestId('wrapup-submit').click();
    await until(async () => (await page.getByTestId('task-card').count()) === 0, 'wrap-up done');
    const c = (await api.get(`/campaigns/${camp.id}/contacts`)).items[0];
    assert.equal(c.state, 'scheduled');
    assert.ok(Math.abs(c.next_eligible_at - when.getTime()) < 60_000, `callback at ${new Date(c.next_eligible_at).toISOString()}`);
    await page.close();
  });
});
