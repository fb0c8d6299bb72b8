import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './i18n';
import { AppRoot } from './App';

const root = document.getElementById('root');
if (!root) throw new Error('#root missing in index.html');
createRoot(root).render(
  <StrictMode>
    <AppRoot />
  </StrictMode>,
);
