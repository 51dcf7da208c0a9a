import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import type { ReactElement } from 'react';
import type { Diagnosis } from '../backend';
import { DiagnosisPanel, QUOTA_PAGE_URL } from './DiagnosisPanel';
import { ErrorMessage } from './ErrorMessage';

const inTheme = (element: ReactElement) => render(<FluentProvider theme={webLightTheme}>{element}</FluentProvider>);

const storage: Diagnosis = {
  code: 'storage-file-access-denied',
  cause: 'The runtime could not read the flow files.',
  remedy: 'Grant Storage File Data Privileged Contributor on the storage account.',
  action: { type: 'openPermissions', role: 'Storage File Data Privileged Contributor', scope: 'storage' },
  link: 'https://learn.microsoft.com/azure/machine-learning/prompt-flow/tools-reference/troubleshoot-guidance',
};

describe('DiagnosisPanel', () => {
  it('shows the cause, the remedy and a button that asks for the role it names', () => {
    const onAction = vi.fn();
    inTheme(<DiagnosisPanel diagnosis={storage} onAction={onAction} />);
    expect(screen.getByTestId('diagnosis-cause').textContent).toBe(storage.cause);
    expect(screen.getByTestId('diagnosis-remedy').textContent).toBe(storage.remedy);
    const button = screen.getByTestId('diagnosis-action');
    expect(button.textContent).toBe('Grant Storage File Data Privileged Contributor');
    fireEvent.click(button);
    expect(onAction).toHaveBeenCalledWith(storage.action);
  });

  it('gives the quota page address to copy instead of a button', () => {
    inTheme(
      <DiagnosisPanel
        diagnosis={{ code: 'vm-quota-exceeded', cause: 'No quota.', remedy: 'Request quota.', action: { type: 'openQuotaPage' } }}
        onAction={() => {}}
      />,
    );
    expect(screen.getByTestId('diagnosis-quota-url').textContent).toContain(QUOTA_PAGE_URL);
    expect(screen.queryByTestId('diagnosis-action')).toBeNull();
  });

  it('says when it does not recognise a failure and gives the command that makes the diagnostics bundle', () => {
    inTheme(<DiagnosisPanel diagnosis={null} />);
    const panel = screen.getByTestId('diagnosis-unrecognised');
    expect(panel.textContent).toContain('does not recognise this failure');
    expect(panel.textContent).toContain('pfrm diagnose --out pfrm-diagnostics.zip');
    expect(screen.queryByRole('button', { name: 'Create diagnostics bundle' })).toBeNull();
  });
});

describe('ErrorMessage with a diagnosis', () => {
  it('puts the recognised cause above the service message, which stays', () => {
    inTheme(
      <ErrorMessage
        error={{
          code: 'service',
          message: 'Runtime rt did not start: Key based authentication is not permitted on this storage account.',
          remedy: 'Switch the datastores to identity-based access.',
          details: { diagnosis: { code: 'storage-key-access-disabled', cause: 'Shared keys are off.', remedy: 'Switch.' } },
        }}
      />,
    );
    const diagnosis = screen.getByTestId('error-diagnosis');
    expect(diagnosis.textContent).toBe('Shared keys are off.');
    const text = screen.getByTestId('error-text');
    expect(text.textContent).toContain('Key based authentication is not permitted');
    expect(diagnosis.compareDocumentPosition(text) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('shows no diagnosis line for an error without one', () => {
    inTheme(<ErrorMessage error={{ code: 'internal', message: 'Oops.', details: { diagnosis: 'nonsense' } }} />);
    expect(screen.queryByTestId('error-diagnosis')).toBeNull();
  });
});
