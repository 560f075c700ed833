import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { initI18n, initialLanguage } from './i18n/index.js';
import './ui/global.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// The texts come as a chunk of their own: the first render waits for them. Should they not
// come, the app still renders (keys in place of texts) rather than stay blank.
void initI18n(initialLanguage())
  .catch((error: unknown) => console.error('Texts could not be loaded', error))
  .finally(() =>
    createRoot(root).render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  );
