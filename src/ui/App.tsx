import { useT } from './i18n';

export function App() {
  const t = useT();
  return (
    <main className="app" data-testid="app">
      <header className="app-header">
        <h1>{t('app.title')}</h1>
        <p>{t('app.tagline')}</p>
      </header>
    </main>
  );
}
