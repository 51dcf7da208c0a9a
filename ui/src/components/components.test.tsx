import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { useState, type ReactElement } from 'react';
import { ErrorMessage } from './ErrorMessage';
import { StartupWarnings } from './StartupWarnings';
import { ConfirmByNameDialog } from './ConfirmByNameDialog';
import { retirementCreateLine } from './RetirementNotice';
import { PreflightChecklist } from '../pages/runtimes/PreflightChecklist';
import type { Countdown } from '../backend';

const inTheme = (element: ReactElement) => render(<FluentProvider theme={webLightTheme}>{element}</FluentProvider>);

describe('ErrorMessage', () => {
  it('shows what happened, what to do and the code', () => {
    inTheme(<ErrorMessage error={{ code: 'permission_denied', message: 'You cannot do that.', remedy: 'Ask an Owner.' }} />);
    expect(screen.getByRole('alert')).toBeTruthy();
    expect(screen.getByTestId('error-text').textContent).toBe('You cannot do that.');
    expect(screen.getByTestId('error-remedy').textContent).toBe('Ask an Owner.');
    // The code is for support, behind "Details", not in the reading path.
    const details = screen.getByTestId('error-details') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(details.querySelector('summary')?.textContent).toBe('Details');
    expect(details.textContent).toContain('Error code: permission_denied');
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

/** A page with a button that opens the dialog, as the Runtimes and Permissions pages do. */
function DialogHost({ onConfirm }: { onConfirm: (typedName: string) => Promise<void> }) {
  const [open, setOpen] = useState(true);
  return (
    <>
      <button onClick={() => setOpen(true)}>open again</button>
      <ConfirmByNameDialog
        open={open}
        title="Delete rt-1?"
        nameLabel="Type rt-1 to confirm"
        nameMatches={(typed) => typed.trim() === 'rt-1'}
        confirmLabel="Delete"
        busyLabel="Deleting…"
        onConfirm={async (typedName) => {
          await onConfirm(typedName);
          setOpen(false);
        }}
        onClose={() => setOpen(false)}
        testIds={{ dialog: 'dialog', name: 'name', confirm: 'confirm', cancel: 'cancel' }}
      >
        <p>The runtime goes; the compute instance stays.</p>
      </ConfirmByNameDialog>
    </>
  );
}

describe('ConfirmByNameDialog', () => {
  const confirmButton = () => screen.getByTestId('confirm') as HTMLButtonElement;
  const nameField = () => screen.getByTestId('name') as HTMLInputElement;

  it('keeps the step off until the name is typed, then runs it with the trimmed name', async () => {
    const onConfirm = vi.fn(() => Promise.resolve());
    inTheme(<DialogHost onConfirm={onConfirm} />);
    expect(screen.getByText('The runtime goes; the compute instance stays.')).toBeTruthy();
    expect(confirmButton().disabled).toBe(true);
    fireEvent.change(nameField(), { target: { value: 'rt-' } });
    fireEvent.submit(nameField().closest('form')!);
    expect(onConfirm).not.toHaveBeenCalled();
    fireEvent.change(nameField(), { target: { value: ' rt-1 ' } });
    expect(confirmButton().disabled).toBe(false);
    fireEvent.submit(nameField().closest('form')!);
    await waitFor(() => expect(screen.queryByTestId('dialog')).toBeNull());
    expect(onConfirm).toHaveBeenCalledExactlyOnceWith('rt-1');
  });

  it('shows a failure in the dialog and keeps what was typed, so a retry is one click', async () => {
    const onConfirm = vi.fn(() =>
      Promise.reject({ code: 'conflict', message: 'The runtime is being updated.', remedy: 'Wait for the update to end.' }),
    );
    inTheme(<DialogHost onConfirm={onConfirm} />);
    fireEvent.change(nameField(), { target: { value: 'rt-1' } });
    fireEvent.click(confirmButton());
    await waitFor(() => expect(screen.getByTestId('error-text').textContent).toBe('The runtime is being updated.'));
    expect(screen.getByTestId('error-remedy').textContent).toBe('Wait for the update to end.');
    expect(nameField().value).toBe('rt-1');
    expect(confirmButton().disabled).toBe(false);
  });

  it('forgets the typed name and the error when cancelled', async () => {
    inTheme(<DialogHost onConfirm={() => Promise.reject({ code: 'internal', message: 'Oops.' })} />);
    fireEvent.change(nameField(), { target: { value: 'rt-1' } });
    fireEvent.click(confirmButton());
    await waitFor(() => expect(screen.getByTestId('error-text')).toBeTruthy());
    fireEvent.click(screen.getByTestId('cancel'));
    await waitFor(() => expect(screen.queryByTestId('dialog')).toBeNull());
    fireEvent.click(screen.getByText('open again'));
    await waitFor(() => expect(screen.getByTestId('dialog')).toBeTruthy());
    expect(nameField().value).toBe('');
    expect(screen.queryByTestId('error-text')).toBeNull();
    expect(confirmButton().disabled).toBe(true);
  });
});

describe('retirementCreateLine', () => {
  const status = (today: string, daysLeft: number, countdown: Countdown) => ({
    retirementDate: '2027-04-20',
    today,
    daysLeft,
    retired: countdown.kind !== 'daysLeft',
    countdown,
    imagesFrozen: true,
    guideUrl: 'https://learn.microsoft.com/',
    weekOf: today,
    dismissedThisWeek: false,
  });

  it('names the date, the days left and the final image before a runtime is created', () => {
    const line = retirementCreateLine(status('2026-12-06', 135, { kind: 'daysLeft', days: 135 }));
    expect(line).toContain('retires on 2027-04-20, 135 days from today');
    expect(line).toContain('final image');
  });

  it('says tomorrow, today, and refused after the date', () => {
    expect(retirementCreateLine(status('2027-04-19', 1, { kind: 'daysLeft', days: 1 }))).toContain('retires tomorrow, 2027-04-20');
    expect(retirementCreateLine(status('2027-04-20', 0, { kind: 'retirementDay' }))).toContain('retires today');
    expect(retirementCreateLine(status('2027-05-01', -11, { kind: 'retired', days: 11 }))).toContain('creating a runtime will be refused');
  });
});

describe('PreflightChecklist', () => {
  it('says a failed check is not met, so a red mark never sits beside a sentence that reads as true', () => {
    inTheme(
      <PreflightChecklist
        checks={[
          { id: 'dataScientistRole', severity: 'blocker', status: 'failed', title: 'You have the AzureML Data Scientist role', evidence: [] },
          { id: 'networkIsolation', severity: 'warning', status: 'unknown', title: 'The workspace has quota', evidence: [] },
          { id: 'notHubProject', severity: 'blocker', status: 'passed', title: 'The workspace exists', evidence: [] },
        ]}
      />,
    );
    const titles = screen.getAllByTestId('check-title').map((title) => title.textContent);
    expect(titles).toEqual([
      'Not met: You have the AzureML Data Scientist role',
      'Could not check: The workspace has quota',
      'The workspace exists',
    ]);
  });

  it('words a notice by its severity: what was found, marked as worth knowing, never "not met"', () => {
    inTheme(
      <PreflightChecklist
        checks={[
          { id: 'networkIsolation', severity: 'info', status: 'failed', title: 'The workspace is network-isolated', evidence: [] },
          { id: 'instanceRunning', severity: 'warning', status: 'failed', title: 'The compute instance is running', evidence: [] },
        ]}
      />,
    );
    const titles = screen.getAllByTestId('check-title').map((title) => title.textContent);
    expect(titles).toEqual(['The workspace is network-isolated', 'Not met: The compute instance is running']);
    const notice = screen.getByTestId('check-networkIsolation');
    expect(notice.textContent).not.toContain('Not met');
    expect(notice.textContent).toContain('Notice');
    expect(within(notice).getByLabelText('Worth knowing')).toBeTruthy();
  });
});
