import { describe, expect, it } from 'vitest';
import { diagnosticsText } from './menu';

describe('diagnostics', () => {
  it('names the version, the system and where settings and logs are', () => {
    const text = diagnosticsText(
      { name: 'Prompt Flow Runtime Manager', version: '1.2.3', logDir: '/logs', configPath: '/c/settings.json', warnings: [] },
      'Mozilla/5.0 (X11; Linux x86_64)',
    );
    expect(text.split('\n')).toEqual([
      'Prompt Flow Runtime Manager 1.2.3',
      'System: Mozilla/5.0 (X11; Linux x86_64)',
      'Settings file: /c/settings.json',
      'Logs folder: /logs',
    ]);
  });

  it('still says something useful before the app facts have loaded', () => {
    expect(diagnosticsText(undefined, 'UA')).toBe('Prompt Flow Runtime Manager (version unknown)\nSystem: UA');
  });
});
