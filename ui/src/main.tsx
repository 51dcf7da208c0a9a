import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './index.css';
import './effectTiming';
import { FirstPaintReporter } from './FirstPaintReporter';

declare const __PFRM_PAGES_MOCK__: boolean;

async function start() {
  // Page-test builds only: answer IPC with a deterministic fake backend. In any other build the
  // constant is false and the bundler leaves the mock out.
  if (__PFRM_PAGES_MOCK__) {
    const { installPagesMock } = await import('./mock/pagesMock');
    installPagesMock();
  }
  const root = document.getElementById('root');
  if (!root) return;
  createRoot(root).render(
    <StrictMode>
      <App />
      <FirstPaintReporter />
    </StrictMode>,
  );
}

void start();
