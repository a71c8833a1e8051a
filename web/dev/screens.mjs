// Takes screenshots of the pages against a running server (the dev mock or the real one):
//   node dev/screens.mjs http://127.0.0.1:8099
import { launch, login, shot } from '../e2e/helpers.mjs';

const url = process.argv[2] ?? 'http://127.0.0.1:8099';
const { context, close } = await launch();
try {
  const page = await context.newPage();
  await page.goto(url + '/');
  await shot(page, 'dev-login');
  await login(page, url, 'agent1', 'agent');
  await page.getByTestId('agent-state').waitFor();
  await shot(page, 'dev-agent-idle');
  await page.getByTestId('state-available').click();
  await page.getByTestId('offer-dialog').waitFor();
  await page.waitForTimeout(1200);
  await shot(page, 'dev-agent-offer');
  await page.getByTestId('offer-accept').click();
  await page.locator('[data-testid=call-state][data-state=ringing]').waitFor();
  await shot(page, 'dev-agent-ringing');
  await page.locator('[data-testid=call-state][data-state=connected]').waitFor();
  await page.waitForTimeout(1100);
  await shot(page, 'dev-agent-connected');
  await page.getByTestId('call-end').click();
  await page.getByTestId('wrapup-disposition').selectOption('callback');
  await shot(page, 'dev-agent-wrapup');
  const sup = await context.newPage();
  await login(sup, url, 'admin', 'admin');
  await sup.getByTestId('campaign-list').waitFor();
  await shot(sup, 'dev-admin-campaigns');
  await sup.getByTestId('campaign-new').click();
  await sup.getByTestId('campaign-priority').fill('42');
  await sup.getByTestId('campaign-save').click();
  await sup.getByTestId('form-error').waitFor();
  await shot(sup, 'dev-admin-form-errors');
  await sup.goto(url + '/#/supervisor');
  await sup.getByTestId('sup-campaign').first().waitFor();
  await sup.waitForTimeout(2500);
  await shot(sup, 'dev-supervisor');
} finally {
  await close();
}
