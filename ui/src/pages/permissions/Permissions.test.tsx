import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { OperationsProvider } from '../../data/operations';
import { Permissions } from '../Permissions';
import { PreflightChecklist } from '../runtimes/PreflightChecklist';
import type { CheckResult, GrantAbility, GrantOutcome, WorkspaceRoleAssignment } from '../../backend';
import { LISTING, WS_ID } from '../../testing/fixtures';
import type { RoleRequest } from '../../components/DiagnosisPanel';

const BOB_READER: WorkspaceRoleAssignment = {
  assignment: {
    id: `${WS_ID}/providers/Microsoft.Authorization/roleAssignments/a-bob`,
    name: 'a-bob',
    scope: WS_ID,
    roleDefinitionId: '/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7',
    roleName: 'Reader',
    principalId: 'b0b',
    principalType: 'User',
    createdOn: null,
  },
  roleName: 'Reader',
  principal: { objectId: 'b0b', kind: 'User', displayName: 'Bob', userPrincipalName: 'bob@contoso.com' },
  inherited: false,
  removable: true,
  at: 'workspace',
  place: { kind: 'workspace' },
};

function ability(allowed: boolean): GrantAbility {
  return {
    workspaceId: WS_ID,
    workspaceName: 'ws',
    allowed,
    whoCanGrant: 'An Owner of ws can grant it.',
    administrators: [],
    requestText: 'Please give me the role on ws.',
  };
}

type Call = { command: string; args: Record<string, unknown> };

function backend(allowed: boolean, grant?: () => GrantOutcome) {
  const calls: Call[] = [];
  mockIPC((command, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    calls.push({ command, args });
    switch (command) {
      case 'list_workspaces':
        return LISTING;
      case 'grant_ability':
        return ability(allowed);
      case 'list_role_assignments':
        return [BOB_READER];
      case 'list_endpoint_identities':
        return [];
      case 'revoke_role_assignment':
        return { removed: BOB_READER, alreadyGone: false, message: 'Bob no longer has the Reader role on ws.' };
      case 'grant_data_scientist':
        return grant?.() ?? null;
      default:
        return null;
    }
  });
  return calls;
}

function renderPage(roleRequest: RoleRequest | null = null) {
  // The workspace chosen on the Runtimes page.
  window.localStorage.setItem('pfrm.runtimes.workspace', WS_ID);
  render(
    <FluentProvider theme={webLightTheme}>
      <OperationsProvider>
        <Permissions roleRequest={roleRequest} />
      </OperationsProvider>
    </FluentProvider>,
  );
}

afterEach(() => {
  clearMocks();
  window.localStorage.clear();
});

describe('Permissions page', () => {
  it('offers nothing to grant when you may not, but says who can and gives the request', async () => {
    const calls = backend(false);
    renderPage();
    await waitFor(() => expect(screen.getByTestId('grant-ability').getAttribute('data-allowed')).toBe('false'));
    expect(screen.getByTestId('who-can-grant').textContent).toBe('An Owner of ws can grant it.');
    expect(screen.getByTestId('grant-request').textContent).toBe('Please give me the role on ws.');
    expect(screen.getByTestId('grant-request-copy').textContent).toBe('Copy request');
    expect(screen.queryByTestId('permissions-me')).toBeNull();
    expect(screen.queryByTestId('permissions-user')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('assignment-a-bob')).toBeTruthy());
    expect(screen.queryByTestId('assignment-revoke')).toBeNull();
    expect(calls.map((c) => c.command)).not.toContain('grant_data_scientist');
  });

  it('revokes only after the name is typed and Remove is pressed in the dialog that names who and which role', async () => {
    const calls = backend(true);
    renderPage();
    await waitFor(() => expect(screen.getByTestId('assignment-revoke')).toBeTruthy());
    fireEvent.click(screen.getByTestId('assignment-revoke'));
    await waitFor(() => expect(screen.getByText('Remove Reader from Bob?')).toBeTruthy());
    fireEvent.click(screen.getByTestId('revoke-cancel'));
    await waitFor(() => expect(screen.queryByTestId('revoke-dialog')).toBeNull());
    expect(calls.map((c) => c.command)).not.toContain('revoke_role_assignment');

    fireEvent.click(screen.getByTestId('assignment-revoke'));
    await waitFor(() => expect(screen.getByTestId('revoke-confirm')).toBeTruthy());
    expect(screen.getByText('Type Bob to confirm')).toBeTruthy();
    const remove = screen.getByTestId('revoke-confirm') as HTMLButtonElement;
    expect(remove.disabled).toBe(true);
    fireEvent.change(screen.getByTestId('revoke-confirm-name'), { target: { value: 'Bo' } });
    expect(remove.disabled).toBe(true);
    fireEvent.click(remove);
    expect(calls.map((c) => c.command)).not.toContain('revoke_role_assignment');
    fireEvent.change(screen.getByTestId('revoke-confirm-name'), { target: { value: ' bob ' } });
    expect(remove.disabled).toBe(false);
    fireEvent.click(remove);
    await waitFor(() => expect(screen.getByTestId('revoke-outcome').textContent).toBe('Bob no longer has the Reader role on ws.'));
    const revoke = calls.find((c) => c.command === 'revoke_role_assignment');
    expect(revoke?.args.request).toEqual({ workspaceId: WS_ID, assignmentName: 'a-bob', confirm: 'bob' });
  });
});

describe('Permissions page opened for the role a diagnosis names', () => {
  it('has that role chosen, and grants it to the workspace identity at its scope', async () => {
    const calls = backend(true, () => ({ status: 'granted', visible: true, message: 'Workspace ws now has the role.' }));
    renderPage({ role: 'Storage File Data Privileged Contributor', scope: 'storage' });
    await waitFor(() => expect(screen.getByTestId('role-choice').getAttribute('data-role')).toBe('storageFileDataPrivilegedContributor'));
    const chosen = screen.getByTestId('role-storageFileDataPrivilegedContributor') as HTMLInputElement;
    expect(chosen.checked).toBe(true);
    await waitFor(() => expect(screen.getByTestId('permissions-me')).toBeTruthy());
    expect(screen.getByTestId('permissions-me').textContent).toContain(
      'Give yourself the Storage File Data Privileged Contributor role on the storage account of ws',
    );
    fireEvent.click(screen.getByTestId('grant-to-workspace-identity'));
    await waitFor(() => expect(screen.getByTestId('grant-outcome').getAttribute('data-status')).toBe('granted'));
    expect(calls.find((c) => c.command === 'grant_data_scientist')?.args.request).toEqual({
      workspaceId: WS_ID,
      target: { kind: 'workspaceIdentity' },
      role: 'storageFileDataPrivilegedContributor',
    });
  });

  it('starts on AzureML Data Scientist without a request, with no workspace-identity grant', async () => {
    const calls = backend(true);
    renderPage();
    await waitFor(() => expect(screen.getByTestId('role-choice').getAttribute('data-role')).toBe('dataScientist'));
    await waitFor(() => expect(screen.getByTestId('permissions-me')).toBeTruthy());
    expect(screen.queryByTestId('permissions-workspace-identity')).toBeNull();
    fireEvent.click(screen.getByTestId('role-acrPull'));
    await waitFor(() => expect(screen.getByTestId('permissions-workspace-identity')).toBeTruthy());
    fireEvent.click(screen.getByTestId('grant-to-me'));
    await waitFor(() => expect(calls.some((c) => c.command === 'grant_data_scientist')).toBe(true));
    expect(calls.find((c) => c.command === 'grant_data_scientist')?.args.request).toEqual({
      workspaceId: WS_ID,
      target: { kind: 'me' },
      role: 'acrPull',
    });
  });
});

describe('the preflight role check', () => {
  const missing: CheckResult = {
    id: 'dataScientistRole',
    severity: 'blocker',
    status: 'failed',
    title: 'You have the role',
    evidence: [],
    remedy: 'Grant yourself the role.',
    fix: { type: 'grantDataScientistToMe' },
  };

  function renderChecklist(check: CheckResult, onGranted: () => void) {
    render(
      <FluentProvider theme={webLightTheme}>
        <OperationsProvider>
          <PreflightChecklist checks={[check]} workspaceId={WS_ID} onGranted={onGranted} />
        </OperationsProvider>
      </FluentProvider>,
    );
  }

  it('grants to me and checks again once the role is in effect', async () => {
    const calls = backend(true, () => ({ status: 'granted', visible: true, message: 'You now have it.' }));
    let rechecks = 0;
    renderChecklist(missing, () => (rechecks += 1));
    fireEvent.click(screen.getByTestId('grant-to-me'));
    await waitFor(() => expect(rechecks).toBe(1));
    expect(calls.find((c) => c.command === 'grant_data_scientist')?.args.request).toEqual({ workspaceId: WS_ID, target: { kind: 'me' }, role: 'dataScientist' });
  });

  it('keeps saying so when Azure has not applied the role yet, without checking again', async () => {
    backend(true, () => ({ status: 'granted', visible: false, message: 'Azure has not applied it yet.' }));
    let rechecks = 0;
    renderChecklist(missing, () => (rechecks += 1));
    fireEvent.click(screen.getByTestId('grant-to-me'));
    await waitFor(() => expect(screen.getByTestId('grant-outcome').getAttribute('data-visible')).toBe('false'));
    expect(screen.getByTestId('grant-outcome').textContent).toContain('Azure has not applied it yet.');
    expect(rechecks).toBe(0);
  });

  it('offers no grant when the caller may not grant (no fix in the check)', () => {
    backend(false);
    renderChecklist({ ...missing, fix: undefined, remedy: 'Ask an Owner.' }, () => {});
    expect(screen.queryByTestId('grant-to-me')).toBeNull();
  });
});
