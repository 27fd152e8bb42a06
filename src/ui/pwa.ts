/// <reference types="vite-plugin-pwa/vanillajs" />
// The service worker (vite-plugin-pwa, Workbox generateSW; vite.config.ts): production builds only,
// registered from this module, never by an inline script (the CSP forbids them). Loaded after the
// first paint so workbox-window stays out of the first download.
import { registerSW } from 'virtual:pwa-register';
import { pageStatus } from './pwa-status';

export function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  let registration: ServiceWorkerRegistration | undefined;
  const activate = registerSW({
    immediate: true,
    onOfflineReady: () => pageStatus.setState({ offlineReady: true }),
    // A new deploy's worker is installed and waiting: ask, never reload under the user's hands.
    onNeedRefresh: () => pageStatus.setState({ update: () => void activate(true) }),
    onRegisteredSW: (_url, r) => {
      registration = r;
    },
    onRegisterError: (e: unknown) => console.warn('service worker registration failed', e),
  });
  // A worker already active from an earlier visit has everything cached: offline works now.
  void navigator.serviceWorker.ready.then(() => pageStatus.setState({ offlineReady: true }));
  // Open for hours in a classroom: look for a new deploy now and then, as a navigation would.
  setInterval(() => void registration?.update().catch(() => undefined), 60 * 60 * 1000);
  return { checkForUpdate: () => registration?.update() };
}
