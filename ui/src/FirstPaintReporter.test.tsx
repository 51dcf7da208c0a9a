import { StrictMode } from 'react';
import { afterEach, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { App } from './App';
import { FirstPaintReporter } from './FirstPaintReporter';

afterEach(() => {
  clearMocks();
  vi.unstubAllGlobals();
});

it('counts its two frames from the first screen being on the page, and reports once', async () => {
  const reports: boolean[] = [];
  mockIPC((command) => {
    if (command === 'frontend_ready') reports.push(screen.queryByTestId('welcome') !== null);
    if (command === 'app_info') {
      return { name: 'Prompt Flow Runtime Manager', version: '1.0.0', logDir: null, configPath: '/c', warnings: [] };
    }
    if (command === 'update_preferences') return { checkAtStartup: false };
    return null;
  });
  const frames: FrameRequestCallback[] = [];
  const welcomeShownWhenFrameAsked: boolean[] = [];
  vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => {
    welcomeShownWhenFrameAsked.push(screen.queryByTestId('welcome') !== null);
    frames.push(callback);
    return frames.length;
  });

  render(
    <StrictMode>
      <App />
      <FirstPaintReporter />
    </StrictMode>,
  );
  expect(welcomeShownWhenFrameAsked).toEqual([true]);
  expect(reports).toEqual([]);
  frames.shift()?.(performance.now());
  expect(reports).toEqual([]);
  frames.shift()?.(performance.now());
  await waitFor(() => expect(reports).toEqual([true]));
  // Later frames (the page's own) report nothing more.
  while (frames.length > 0) frames.shift()?.(performance.now());
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(reports).toEqual([true]);
});
