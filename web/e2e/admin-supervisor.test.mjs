// Browser tests of the admin console (campaign with field errors, CSV upload) and the
// supervisor view (live agents and campaign stats).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { adminApi, contact, launch, login, newAgent, shot, startServer, textOf, until, waitText } from './helpers.mjs';

describe('admin console and supervisor view', () => {
  let server, browser, api;
  before(async () => {
    server = await startServer({ rules: [{ match: '*', outcome: 'answer', after_ms: 1000 }] });
    browser = await launch();
    api = await adminApi(server.url);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('an admin creates a campaign (server field errors shown inline) and uploads a CSV', async () => {
    const page = await browser.context.newPage();
    await login(page, server.url, 'admin', 'admin');
    await page.getByTestId('campaign-list').waitFor();
    await page.getByTestId('campaign-new').click();
    await page.getByTestId('campaign-name').fill('E2E Admin Campaign');
    await page.getByTestId('campaign-description').fill('Created from the browser');
    await page.getByTestId('campaign-mode').selectOption('preview_standard');
    await page.getByTestId('campaign-preview_offer_timeout_s').fill('5'); // < 10 with action skip
    await page.getByTestId('window-sun').fill('10:00-14:00');
    await page.getByTestId('campaign-save').click();
    const problem = page.locator('[data-field="preview_offer_timeout_s"] .problem');
    await problem.waitFor();
    assert.match(await textOf(problem), /10/);
    await shot(page, 'admin-01-field-error');
    await page.getByTestId('campaign-preview_offer_timeout_s').fill('30');
    await page.getByTestId('campaign-save').click();
    const row = page.locator('[data-testid=campaign-row][data-name="E2E Admin Campaign"]');
    await row.waitFor();
    const id = await row.getAttribute('data-campaign-id');
    const saved = await api.get(`/campaigns/${id}`);
    assert.equal(saved.preview_offer_timeout_s, 30);
    assert.equal(saved.description, 'Created from the browser');
    assert.deepEqual(saved.calling_window.sun, ['10:00-14:00']);
    assert.equal(await textOf(row.getByTestId('campaign-status')), 'Draft');

    await row.getByTestId('campaign-upload').click();
    const csv = 'name,phone,timezone,plan\nCsv One,+12015559001,America/New_York,Gold\nCsv Bad,not-a-number,America/New_York,Silver\nCsv Two,+12015559002,America/Chicago,Bronze\n';
    await page.getByTestId('upload-file').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByTestId('upload-submit').click();
    const result = page.getByTestId('upload-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-accepted'), '2');
    assert.equal(await result.getAttribute('data-rejected'), '1');
    assert.equal(await page.getByTestId('upload-progress').getAttribute('data-value'), '100');
    const errRow = page.getByTestId('upload-error-row');
    assert.equal(await errRow.count(), 1);
    assert.match(await textOf(errRow), /^2/, 'row 2 is the bad one');
    await shot(page, 'admin-02-upload');
    await row.getByTestId('campaign-start').click();
    await waitText(row.getByTestId('campaign-status'), /^Running$/, 'running');
    await page.close();
  });

  test('the supervisor view follows agents and campaign stats live', async () => {
    await api.pauseAll();
    const agent = await newAgent(api);
    const camp = await api.campaign(
      { name: 'E2E Supervised', description: 'watched', mode: 'preview_standard', teams: [agent.team] },
      [contact('Sup One', '+12015559101'), contact('Sup Two', '+12015559102')],
    );
    await api.post('/users', { username: 'e2e-sup', password: 'sup-pw-1', role: 'supervisor' });
    const sup = await browser.context.newPage();
    await login(sup, server.url, 'e2e-sup', 'sup-pw-1');
    const card = sup.locator(`[data-testid=sup-campaign][data-campaign-id="${camp.id}"]`);
    await card.waitFor();
    await waitText(card.getByTestId('sup-contacts-total'), /^2$/, 'contacts total');
    const attempts0 = Number(await textOf(card.getByTestId('sup-attempts-total')));

    const page = await browser.context.newPage();
    await login(page, server.url, agent.username, agent.password);
    const row = sup.locator(`[data-testid=sup-agent-row][data-username="${agent.username}"]`);
    await page.getByTestId('state-available').click();
    await until(async () => ['available', 'reserved', 'previewing'].includes(await row.getAttribute('data-state')), 'agent row follows');
    await page.getByTestId('offer-dialog').waitFor();
    await until(async () => (await row.getAttribute('data-state')) === 'previewing', 'previewing on the supervisor view');
    await page.getByTestId('offer-accept').click();
    await waitText(page.getByTestId('call-state'), /^Connected$/, 'connected');
    await until(async () => (await row.getAttribute('data-state')) === 'connected', 'connected on the supervisor view');
    await waitText(card.getByTestId('sup-active-calls'), /^1$/, 'one active call');
    await shot(sup, 'supervisor-01-live');
    await page.getByTestId('call-end').click();
    await page.getByTestId('wrapup-disposition').selectOption('sale');
    await page.getByTestId('wrapup-submit').click();
    await until(async () => Number(await textOf(card.getByTestId('sup-attempts-total'))) > attempts0, 'attempts counted');
    await waitText(card.getByTestId('sup-active-calls'), /^0$/, 'no active call');
    const done = sup.locator(`[data-testid=sup-campaign][data-campaign-id="${camp.id}"] [data-testid=chart-contacts] [data-key=done]`);
    await until(async () => (await done.getAttribute('data-value')) === '1', 'done count in the chart');
    await shot(sup, 'supervisor-02-after-call');
    await page.close();
    await sup.close();
  });

  test('an admin adds a number to a DNC list, sees it listed and removes it', async () => {
    const page = await browser.context.newPage();
    await login(page, server.url, 'admin', 'admin');
    await page.getByTestId('admin-nav-dnc').click();
    await page.getByTestId('dnc-number').fill('+12015559999');
    await page.getByTestId('dnc-add').click();
    const row = page.locator('[data-testid=dnc-row][data-number="+12015559999"]');
    await row.waitFor();
    const listed = await api.get('/dnc/tenant');
    assert.ok(listed.items.some((d) => d.number === '+12015559999'));
    await shot(page, 'admin-03-dnc');
    await row.getByTestId('dnc-remove').click();
    await until(async () => (await row.count()) === 0, 'row removed');
    const after = await api.get('/dnc/tenant');
    assert.ok(!after.items.some((d) => d.number === '+12015559999'));
    await page.close();
  });
});
