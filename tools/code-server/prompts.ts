// Answering the workbench the way a person does: the workspace trust prompt, the colour theme picker.
import type { Page } from 'playwright-core';
import type { ColorTheme } from './server';

/**
 * Answers the workspace trust prompt that a server started with `workspaceTrust` shows when a folder
 * opens: trust its authors, or not (Restricted Mode). Resolves once the dialog is gone.
 */
export async function answerTrustPrompt(page: Page, trust: boolean, timeoutMs = 60_000): Promise<void> {
  const dialog = page.locator('.monaco-dialog-box').filter({ hasText: 'Do you trust the authors' });
  await dialog.waitFor({ state: 'visible', timeout: timeoutMs });
  await dialog.getByRole('button', { name: trust ? /^Yes, I trust/ : /^No, I don.t trust/ }).click();
  await dialog.waitFor({ state: 'detached', timeout: timeoutMs });
}

/**
 * Switches the colour theme of a running workbench the way a person does: command palette,
 * "Preferences: Color Theme", click the theme. (Rewriting settings.json under a running code-server
 * does not reach the page; VS Code saves the choice made here to user settings itself.) The picker
 * shows labels, not setting ids: the built-in "Default Light Modern" is listed as "Light Modern",
 * so a leading "Default " is dropped. Resolves when the workbench shows the theme's kind.
 */
export async function setColorTheme(page: Page, theme: ColorTheme, timeoutMs = 15_000): Promise<void> {
  const kind = /high contrast light/i.test(theme) ? 'hc-light' : /high contrast/i.test(theme) ? 'hc-black' : /light/i.test(theme) ? 'vs' : 'vs-dark';
  const label = theme.replace(/^Default /, '');
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // An option's accessible name is its label, then ", description" when it has one.
  const option = (name: string) => page.getByRole('option', { name: new RegExp(`^${escape(name)}(,|$)`) }).first();

  const quickInput = page.locator('.quick-input-widget input');
  await page.keyboard.press('F1');
  await quickInput.waitFor({ state: 'visible', timeout: timeoutMs });
  await quickInput.fill('>Preferences: Color Theme');
  // Clicked, not Enter: "Browse Color Themes in Marketplace" may be ranked first.
  await option('Preferences: Color Theme').click({ timeout: timeoutMs });
  await option(label).click({ timeout: timeoutMs });
  // .monaco-workbench carries the theme's kind as a class: vs, vs-dark, hc-black or hc-light.
  await page.waitForFunction(`document.querySelector('.monaco-workbench')?.classList.contains(${JSON.stringify(kind)}) === true`, undefined, {
    timeout: timeoutMs,
  });
}
