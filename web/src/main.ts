import './styles.css';
import { detectLang, setLang } from './i18n.js';
import './app-root.js';

let stored: string | null = null;
try {
  stored = localStorage.getItem('outdial.lang');
} catch {
  stored = null;
}
setLang(detectLang(navigator.languages?.length ? navigator.languages : [navigator.language], stored), false);
document.documentElement.lang = detectLang(navigator.languages ? [...navigator.languages] : [navigator.language], stored);
