// Base for every page element: renders into the light DOM (one global stylesheet, test ids
// reachable by any tool) and re-renders when the language changes.
import { LitElement } from 'lit';
import { onLangChange } from './i18n.js';

export class BaseElement extends LitElement {
  private offLang: (() => void) | null = null;

  protected createRenderRoot(): HTMLElement {
    return this;
  }

  connectedCallback(): void {
    super.connectedCallback();
    this.offLang = onLangChange(() => this.requestUpdate());
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.offLang?.();
    this.offLang = null;
  }
}
