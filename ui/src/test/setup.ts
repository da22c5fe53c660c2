import '@testing-library/jest-dom/vitest';
import { notifications } from '@mantine/notifications';
import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';
import '../i18n';

// The tests' computer keeps UTC whatever the developer's does: a clinic elsewhere then shows whether a
// time is in the clinic's zone or the computer's.
vi.stubEnv('TZ', 'UTC');

// The Tauri bridge does not exist under jsdom: every test talks to a mocked `invoke`
// (see `mockCommands` in ./ipcMock.ts).
vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));
// Nor are the system's file dialogs: tests type paths, or make `open`/`save` answer.
vi.mock('@tauri-apps/plugin-dialog', () => ({ open: vi.fn(), save: vi.fn() }));

// jsdom lacks a few browser APIs that Mantine uses.
Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: (query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => undefined,
    removeListener: () => undefined,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    dispatchEvent: () => false,
  }),
});

class ResizeObserverStub {
  observe() {
    return undefined;
  }
  unobserve() {
    return undefined;
  }
  disconnect() {
    return undefined;
  }
}
window.ResizeObserver = ResizeObserverStub;
window.HTMLElement.prototype.scrollIntoView = () => undefined;

const originalGetComputedStyle = window.getComputedStyle.bind(window);
window.getComputedStyle = (element: Element, pseudo?: string | null) =>
  originalGetComputedStyle(element, pseudo);

afterEach(() => {
  cleanup();
  // Mantine keeps notifications in a module-level store: start each test without any.
  notifications.clean();
  vi.clearAllMocks();
});
