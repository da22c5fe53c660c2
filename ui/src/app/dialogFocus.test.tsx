import { screen, waitFor } from '@testing-library/react';
import { useState, type ReactElement } from 'react';
import { describe, expect, it } from 'vitest';
import { ChangePasswordModal } from '../features/account/ChangePasswordModal';
import { AddUserModal } from '../features/admin/AddUserModal';
import { AuditPanel } from '../features/admin/AuditPanel';
import { ResetPasswordModal } from '../features/admin/ResetPasswordModal';
import { ExportPatientsModal } from '../features/patients/ExportPatientsModal';
import { MergePatientsModal } from '../features/patients/MergePatientsModal';
import { RegisterPatientModal } from '../features/patients/RegisterPatientModal';
import { ProviderFormModal } from '../features/providers/ProviderFormModal';
import { WalkInModal } from '../features/waiting/WalkInModal';
import { patientHeader, userSummary } from '../test/fixtures';
import { mockCommands } from '../test/ipcMock';
import { renderWithProviders } from '../test/render';

const none = () => undefined;
const maria = {
  ...patientHeader(),
  phone: null,
  email: null,
  city: null,
  insurancePayer: null,
  insuranceMemberId: null,
};

// Each form dialog, and its first field.
const DIALOGS: [name: string, dialog: (opened: boolean) => ReactElement, firstField: string][] = [
  [
    'register a patient',
    (opened) => <RegisterPatientModal opened={opened} onClose={none} onOpen={none} onRegistered={none} />,
    'patient-first-name',
  ],
  ['add a user', (opened) => <AddUserModal opened={opened} onClose={none} />, 'add-user-name'],
  [
    'reset a password',
    (opened) => <ResetPasswordModal user={userSummary()} opened={opened} onClose={none} />,
    'reset-password-new',
  ],
  ['change one’s password', (opened) => <ChangePasswordModal opened={opened} onClose={none} />, 'change-current-password'],
  ['export patients', (opened) => <ExportPatientsModal opened={opened} onClose={none} />, 'export-path'],
  [
    'merge patients',
    (opened) => <MergePatientsModal opened={opened} onClose={none} patient={maria} />,
    'merge-find',
  ],
  [
    'add a provider',
    (opened) => <ProviderFormModal provider={opened ? 'new' : null} onClose={none} onAdded={none} />,
    'provider-name',
  ],
  ['add a walk-in', (opened) => <WalkInModal opened={opened} onClose={none} />, 'walk-in-patient'],
];

/** The dialog closed, then opened with a button, as users open them. */
function Opening({ dialog }: { dialog: (opened: boolean) => ReactElement }) {
  const [opened, setOpened] = useState(false);
  return (
    <>
      <button
        type="button"
        onClick={() => {
          setOpened(true);
        }}
      >
        open
      </button>
      {dialog(opened)}
    </>
  );
}

describe('a form dialog', () => {
  it.each(DIALOGS)('to %s opens with the cursor in its first field', async (_, dialog, firstField) => {
    mockCommands({ list_providers: () => [], appointment_types: () => [] });
    const { user } = renderWithProviders(<Opening dialog={dialog} />);
    await user.click(screen.getByRole('button', { name: 'open' }));
    await waitFor(() => expect(screen.getByTestId(firstField)).toHaveFocus());
  });

  it('to export the audit log opens with the cursor in its first field', async () => {
    mockCommands({
      audit_filter_options: () => ({ users: [], actions: [] }),
      audit_log: () => ({ total: 0, upTo: 0, entries: [] }),
    });
    const { user } = renderWithProviders(<AuditPanel />);
    await user.click(await screen.findByTestId('audit-export-open'));
    await waitFor(() => expect(screen.getByTestId('audit-export-path')).toHaveFocus());
  });
});
