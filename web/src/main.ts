import './styles.css';
import { detectLang, setLang } from './i18n.js';
import './app-root.js';

let stored: string | null = null;
try {
  stored = localStorage.getItem('outdial.lang');
} catch {
  stored = null;
}
const initial = detectLang(navigator.languages?.length ? navigator.languages : [navigator.language], stored);
setLang(initial, false);
document.documentElement.lang = initial;
