// Browser tests of the agent desktop in Standard Preview (PRODUCT.md §5.2) against the real
// server: OUTDIAL_BIN=/path/to/outdial node --test e2e/
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { adminApi, contact, launch, login, newAgent, shot, startServer, textOf, until, waitText } from './helpers.mjs';

const BUSY = '+12015557101';
const MACHINE = '+12015557301';
const rules = [
  { match: '+120155571*', outcome: 'busy', after_ms: 300 },
  { match: '+120155573*', outcome: 'machine', after_ms: 1000 },
  { match: '*', outcome: 'answer', after_ms: 1500 },
];

describe('agent desktop: Standard Preview', () => {
  let server, browser, api;
  before(async () => {
    server = await startServer({ rules });
    browser = await launch();
    api = await adminApi(server.url);
    await api.pauseAll();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function agentPage(agent) {
    const page = await browser.context.newPage();
    await login(page, server.url, agent.username, agent.password);
    await page.getByTestId('agent-state').waitFor();
    return page;
  }

  test('full cycle: login → Available → reservation → dialog with countdown → Accept → Ringing/Cancel → Connected → End → wrap-up → Available', async () => {
    // A sim:manual station: the reservation call is answered from the desktop.
    const agent = await newAgent(api, 'sim:manual');
    const camp = await api.campaign(
      { name: 'E2E full cycle', description: 'Full cycle: renewals with loyalty offer', mode: 'preview_standard', teams: [agent.team], preview_offer_timeout_s: 600, preview_timeout_action: 'skip' },
      [contact('Alice Full', '+12015557901', { plan: 'Gold' })],
    );
    const page = await agentPage(agent);
    await shot(page, 'standard-01-logged-in');
    await page.getByTestId('state-available').click();
    await until(async () => ['available', 'reserved'].includes(await page.getByTestId('agent-state').getAttribute('data-state')), 'Available');

    await page.getByTestId('reservation').waitFor();
    await waitText(page.getByTestId('agent-state'), /^Reserved$/, 'Reserved');
    await shot(page, 'standard-01b-reservation');
    await page.getByTestId('reservation-answer').click();
    const dialog = page.getByTestId('offer-dialog');
    await dialog.waitFor();
    assert.equal(await textOf(page.getByTestId('offer-contact-name')), 'Alice Full');
    assert.match(await textOf(dialog), /Gold/, 'configured fields on the dialog');
    const countdown = page.getByTestId('offer-countdown');
    const first = await textOf(countdown);
    assert.match(first, /^(10:00|9:[0-5]\d)$/);
    const ms1 = Number(await countdown.getAttribute('data-remaining-ms'));
    await page.waitForTimeout(1300);
    const ms2 = Number(await countdown.getAttribute('data-remaining-ms'));
    assert.ok(ms2 < ms1 && ms1 - ms2 >= 900, `countdown runs (${ms1} → ${ms2})`);
    await shot(page, 'standard-02-offer');

    await page.getByTestId('offer-accept').click();
    const card = page.getByTestId('task-card');
    await card.waitFor();
    assert.equal(await dialog.count(), 0, 'dialog closed');
    assert.equal(await textOf(page.getByTestId('task-description')), 'Full cycle: renewals with loyalty offer');
    assert.match(await textOf(card), /Gold/);
    await waitText(page.getByTestId('call-state'), /^(Dialing|Ringing)$/, 'Ringing');
    await waitText(page.getByTestId('call-state'), /^Ringing$/, 'Ringing');
    // The demo tenant has end_call_enabled: Cancel takes the place of the Ringing label.
    assert.equal(await page.getByTestId('call-cancel').isVisible(), true);
    assert.match(await textOf(page.getByTestId('task-timer')), /^\d+:\d\d$/);
    assert.equal(await page.getByTestId('campaign-icon').isDisabled(), true, 'campaign icon disabled while handling a contact');
    await shot(page, 'standard-03-ringing');

    await waitText(page.getByTestId('call-state'), /^Connected$/, 'Connected');
    await waitText(page.getByTestId('task-timer'), /^0:0[1-9]|^0:[1-5]\d/, 'timer counting');
    await shot(page, 'standard-04-connected');
    await page.getByTestId('call-end').click();

    const select = page.getByTestId('wrapup-disposition');
    await select.waitFor();
    assert.equal(await page.getByTestId('wrapup-submit').isDisabled(), true, 'submit needs a disposition');
    await select.selectOption('sale');
    await shot(page, 'standard-05-wrapup');
    await page.getByTestId('wrapup-submit').click();
    await waitText(page.getByTestId('agent-state'), /^Available$/, 'Available after wrap-up');
    await until(async () => (await page.getByTestId('task-card').count()) === 0, 'card gone');
    const done = await api.get(`/campaigns/${camp.id}/contacts?state=done`);
    assert.equal(done.items.length, 1);
    await shot(page, 'standard-06-available-again');
    await page.close();
  });

  test('a reservation call not answered sets the agent Idle with RESERVATION_NOT_ANSWERED', async () => {
    const agent = await newAgent(api, 'sim:manual');
    await api.campaign(
      { name: 'E2E unanswered', description: 'unanswered reservation', mode: 'preview_standard', teams: [agent.team], reservation_ring_limit_s: 5 },
      [contact('Never Offered', '+12015557961')],
    );
    const page = await agentPage(agent);
    await page.getByTestId('state-available').click();
    await page.getByTestId('reservation-answer').waitFor();
    await waitText(page.getByTestId('reason-code'), /^RESERVATION_NOT_ANSWERED$/, 'reason code', 15_000);
    await waitText(page.getByTestId('agent-state'), /^Idle/, 'Idle');
    assert.equal(await page.getByTestId('offer-dialog').count(), 0);
    await shot(page, 'standard-12-reservation-not-answered');
    await page.close();
  });

  test('an answering machine (on_machine connect) shows the notice with voicemail guidance', async () => {
    const agent = await newAgent(api);
    await api.campaign(
      { name: 'E2E machine', description: 'machine', mode: 'preview_standard', teams: [agent.team], on_machine: 'connect', cpa: { enabled: true, amd_enabled: true } },
      [contact('Machine Max', MACHINE)],
    );
    const page = await agentPage(agent);
    await page.getByTestId('state-available').click();
    await waitText(page.getByTestId('offer-contact-name'), /^Machine Max$/, 'offer');
    await page.getByTestId('offer-accept').click();
    const amd = page.getByTestId('amd-result');
    await amd.waitFor();
    assert.equal(await amd.getAttribute('data-amd'), 'machine');
    assert.match(await textOf(amd), /voicemail/i);
    await waitText(page.getByTestId('call-state'), /^Connected$/, 'Connected');
    await shot(page, 'standard-13-answering-machine');
    await page.getByTestId('call-end').click();
    await page.getByTestId('wrapup-disposition').selectOption('voicemail_left');
    await page.getByTestId('wrapup-submit').click();
    await waitText(page.getByTestId('agent-state'), /^Available$/, 'Available');
    await page.close();
  });

  test('Skip shows the next contact, Remove removes it, Cancel leaves the campaign', async () => {
    const agent = await newAgent(api);
    const camp = await api.campaign(
      { name: 'E2E skip remove', description: 'skip/remove', mode: 'preview_standard', teams: [agent.team] },
      [contact('Skip Me', '+12015557911'), contact('Remove Me', '+12015557912'), contact('Keep Me', '+12015557913')],
    );
    const page = await agentPage(agent);
    await page.getByTestId('state-available').click();
    const name = page.getByTestId('offer-contact-name');
    await waitText(name, /^Skip Me$/, 'first contact');
    await page.getByTestId('offer-skip').click();
    await waitText(name, /^Remove Me$/, 'next contact after skip');
    await page.getByTestId('offer-remove').click();
    await waitText(name, /^Keep Me$/, 'next contact after remove');
    await shot(page, 'standard-07-after-skip-remove');
    const removed = await api.get(`/campaigns/${camp.id}/contacts?state=removed`);
    assert.deepEqual(removed.items.map((c) => c.name), ['Remove Me']);
    await page.getByTestId('offer-cancel').click();
    await waitText(page.getByTestId('agent-state'), /^Idle/, 'Idle after Cancel');
    assert.equal(await page.getByTestId('offer-dialog').count(), 0);
    await page.close();
  });

  test('actions the campaign disables are disabled buttons', async () => {
    const agent = await newAgent(api);
    await api.campaign(
      { name: 'E2E disabled', description: 'no skip, no remove', mode: 'preview_standard', teams: [agent.team], preview_actions_disabled: ['skip', 'remove'], preview_timeout_action: 'accept', preview_offer_timeout_s: 600 },
      [contact('Locked Contact', '+12015557921')],
    );
    const page = await agentPage(agent);
    await page.getByTestId('state-available').click();
    await page.getByTestId('offer-dialog').waitFor();
    assert.equal(await page.getByTestId('offer-skip').isDisabled(), true);
    assert.equal(await page.getByTestId('offer-remove').isDisabled(), true);
    assert.equal(await page.getByTestId('offer-accept').isDisabled(), false);
    assert.equal(await page.getByTestId('offer-cancel').isDisabled(), false);
    await shot(page, 'standard-08-disabled-buttons');
    await page.getByTestId('offer-cancel').click();
    await waitText(page.getByTestId('agent-state'), /^Idle/, 'Idle');
    await page.close();
  });

  test('the server performs the timeout action and the desktop shows it', async () => {
    const agent = await newAgent(api);
    await api.campaign(
      { name: 'E2E timeout', description: 'timeout skip', mode: 'preview_standard', teams: [agent.team], preview_offer_timeout_s: 10, preview_timeout_action: 'skip' },
      [contact('First Timeout', '+12015557931'), contact('Second Timeout', '+12015557932')],
    );
    const page = await agentPage(agent);
    await page.getByTestId('state-available').click();
    const name = page.getByTestId('offer-contact-name');
    await waitText(name, /^First Timeout$/, 'first contact');
    assert.match(await textOf(page.getByTestId('offer-countdown')), /^0:(10|0\d)$/);
    // No click: after 10 s the server skips and offers the next contact with a fresh countdown.
    await waitText(name, /^Second Timeout$/, 'next contact after the timeout', 20_000);
    await page.getByTestId('offer-timeout-notice').waitFor();
    assert.match(await textOf(page.getByTestId('offer-countdown')), /^0:(10|0\d)$/);
    await shot(page, 'standard-09-timeout-skipped');
    await page.getByTestId('offer-cancel').click();
    await page.close();
  });

  test('a failed attempt shows its reason code and the dialog offers the next contact', async () => {
    const agent = await newAgent(api);
    await api.campaign(
      { name: 'E2E busy', description: 'busy then next', mode: 'preview_standard', teams: [agent.team] },
      [contact('Busy Bob', BUSY), contact('Next Nora', '+12015557942')],
    );
    const page = await agentPage(agent);
    await page.getByTestId('state-available').click();
    await waitText(page.getByTestId('offer-contact-name'), /^Busy Bob$/, 'busy contact');
    await page.getByTestId('offer-accept').click();
    await waitText(page.getByTestId('reason-code'), /^CUSTOMER_BUSY$/, 'reason code');
    assert.match(await textOf(page.getByTestId('reason-sentence')), /busy/i);
    await waitText(page.getByTestId('offer-contact-name'), /^Next Nora$/, 'next contact');
    assert.equal(await page.getByTestId('task-card').count(), 0, 'the failed call card is gone');
    await shot(page, 'standard-10-failed-attempt');
    await page.getByTestId('offer-cancel').click();
    await page.close();
  });

  test('a concurrency limit refuses Accept with its reason code and keeps the offer open', async () => {
    const a = await newAgent(api);
    const b = await newAgent(api);
    await api.campaign({ name: 'E2E limit A', description: 'limit A', mode: 'preview_standard', teams: [a.team] }, [contact('Limit One', '+12015557951')]);
    await api.campaign({ name: 'E2E limit B', description: 'limit B', mode: 'preview_standard', teams: [b.team] }, [contact('Limit Two', '+12015557952')]);
    const before = await api.get('/tenant');
    await api.patch('/tenant', { max_concurrent_calls: 1 });
    try {
      const pa = await agentPage(a);
      const pb = await agentPage(b);
      await pa.getByTestId('state-available').click();
      await pb.getByTestId('state-available').click();
      await pa.getByTestId('offer-dialog').waitFor();
      await pb.getByTestId('offer-dialog').waitFor();
      await pa.getByTestId('offer-accept').click();
      await waitText(pa.getByTestId('call-state'), /^(Ringing|Connected)$/, 'A calling');
      await pb.getByTestId('offer-accept').click();
      await waitText(pb.getByTestId('reason-code'), /^TENANT_CONCURRENT_CALL_LIMIT$/, 'limit reason code');
      assert.equal(await pb.getByTestId('offer-dialog').isVisible(), true, 'offer stays open');
      assert.equal(await textOf(pb.getByTestId('offer-contact-name')), 'Limit Two');
      await shot(pb, 'standard-11-concurrency-limit');
      // once A's call is over, B may accept again
      await waitText(pa.getByTestId('call-state'), /^Connected$/, 'A connected');
      await pa.getByTestId('call-end').click();
      await pa.getByTestId('wrapup-disposition').selectOption('not_interested');
      await pa.getByTestId('wrapup-submit').click();
      await pb.getByTestId('offer-accept').click();
      await pb.getByTestId('task-card').waitFor();
      await pa.close();
      await pb.close();
    } finally {
      await api.patch('/tenant', { max_concurrent_calls: before.max_concurrent_calls });
    }
  });
});
