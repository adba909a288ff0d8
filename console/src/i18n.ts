import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { de } from './locales/de.js';

/**
 * German and English. The English text is the key (keySeparator off), so English needs no table and a
 * missing German entry shows English rather than a key.
 */
export const LANGUAGES = ['de', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const initial: Language = navigator.language.toLowerCase().startsWith('de') ? 'de' : 'en';

void i18next.use(initReactI18next).init({
  lng: initial,
  fallbackLng: 'en',
  keySeparator: false,
  nsSeparator: false,
  interpolation: { escapeValue: false },
  resources: { de: { translation: de }, en: { translation: {} } },
});

i18next.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});
document.documentElement.lang = initial;

export default i18next;
