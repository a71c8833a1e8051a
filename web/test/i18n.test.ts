import { describe, expect, it } from 'vitest';
import { detectLang, messages, reasonSentence, reasonSentences, setLang, t } from '../src/i18n.js';
import { ALL_REASON_CODES, API_ERROR_CODES, PRODUCT_REASON_CODES } from '../src/reason-codes.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

describe('i18n', () => {
  it('has every reason code of PRODUCT.md §7 and the API error codes in both languages', () => {
    expect(PRODUCT_REASON_CODES).toHaveLength(20);
    expect(API_ERROR_CODES).toHaveLength(9);
    for (const lang of ['en', 'de'] as const) {
      for (const code of ALL_REASON_CODES) {
        const s = reasonSentences[lang][code];
        expect(s, `${lang} ${code}`).toBeTruthy();
        expect(s.length).toBeGreaterThan(5);
      }
    }
    // German is a translation, not a copy
    for (const code of ALL_REASON_CODES) expect(reasonSentences.de[code]).not.toBe(reasonSentences.en[code]);
  });

  it('matches the codes of the server enum (src/core/reason_code.cc) when present', () => {
    let cc = '';
    try {
      cc = readFileSync(fileURLToPath(new URL('../../src/core/reason_code.cc', import.meta.url)), 'utf8');
    } catch {
      return; // web/ checked out alone
    }
    const serverCodes = [...cc.matchAll(/return "([A-Z_]+)";/g)].map((m) => m[1]);
    for (const c of new Set(serverCodes)) expect(ALL_REASON_CODES as readonly string[]).toContain(c);
  });

  it('has every UI text in both languages, none empty', () => {
    const en = Object.keys(messages.en).sort();
    const de = Object.keys(messages.de).sort();
    expect(de).toEqual(en);
    for (const k of en) {
      expect(messages.en[k as keyof typeof messages.en]).not.toBe('');
      expect(messages.de[k as keyof typeof messages.de]).not.toBe('');
    }
  });

  it('keeps the placeholders of each text in the translation', () => {
    for (const k of Object.keys(messages.en) as (keyof typeof messages.en)[]) {
      const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(ph(messages.de[k]), k).toEqual(ph(messages.en[k]));
    }
  });

  it('follows navigator.language unless the user chose', () => {
    expect(detectLang(['de-DE', 'en'], null)).toBe('de');
    expect(detectLang(['en-US'], null)).toBe('en');
    expect(detectLang(['fr-FR'], null)).toBe('en');
    expect(detectLang(['fr-FR', 'de'], null)).toBe('de');
    expect(detectLang(['de-DE'], 'en')).toBe('en');
  });

  it('switches language and substitutes parameters', () => {
    setLang('de', false);
    expect(t('offer.accept')).toBe('Annehmen');
    expect(reasonSentence('CUSTOMER_BUSY')).toBe('Beim Kunden war besetzt.');
    expect(t('upload.result', { accepted: 3, rejected: 1 })).toBe('3 übernommen, 1 abgelehnt');
    setLang('en', false);
    expect(t('offer.accept')).toBe('Accept');
    expect(reasonSentence('SOMETHING_NEW', 'server says')).toBe('server says');
    expect(reasonSentence('SOMETHING_NEW')).toBe('SOMETHING_NEW');
  });
});
