import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import type { ReactElement } from 'react';
import { ErrorMessage } from './ErrorMessage';
import { StartupWarnings } from './StartupWarnings';

const inTheme = (element: ReactElement) => render(<FluentProvider theme={webLightTheme}>{element}</FluentProvider>);

describe('ErrorMessage', () => {
  it('shows what happened, what to do and the code', () => {
    inTheme(<ErrorMessage error={{ code: 'permission_denied', message: 'You cannot do that.', remedy: 'Ask an Owner.' }} />);
    expect(screen.getByRole('alert')).toBeTruthy();
    expect(screen.getByTestId('error-text').textContent).toBe('You cannot do that.');
    expect(screen.getByTestId('error-remedy').textContent).toBe('Ask an Owner.');
    expect(screen.getByText('Error code: permission_denied')).toBeTruthy();
  });

  it('leaves out the remedy line when there is none', () => {
    inTheme(<ErrorMessage error={{ code: 'internal', message: 'Oops.' }} />);
    expect(screen.queryByTestId('error-remedy')).toBeNull();
  });
});

describe('StartupWarnings', () => {
  it('shows one banner per warning with its title, message and remedy', () => {
    inTheme(
      <StartupWarnings
        warnings={[
          { kind: 'log_dir_unwritable', message: 'Cannot write /x.', remedy: 'Fix /x.' },
          { kind: 'config_unreadable', message: 'Bad settings.', remedy: 'Kept in .bak.' },
        ]}
      />,
    );
    const logs = screen.getByTestId('startup-warning-log_dir_unwritable');
    expect(logs.textContent).toContain('Logging to a file is off');
    expect(logs.textContent).toContain('Cannot write /x.');
    expect(logs.textContent).toContain('Fix /x.');
    expect(screen.getByTestId('startup-warning-config_unreadable').textContent).toContain(
      'Your settings file could not be used',
    );
  });

  it('renders nothing when start-up went well', () => {
    const { container } = inTheme(<StartupWarnings warnings={[]} />);
    expect(container.querySelector('[data-testid^="startup-warning"]')).toBeNull();
  });
});
