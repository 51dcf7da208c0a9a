// The roles the Permissions page grants and where each is granted. The names are Azure's
// built-in role names, as failure diagnoses name them.
import type { GrantableRole, RoleScope } from '../../backend';

export type RoleInfo = { role: GrantableRole; name: string; scope: RoleScope };

export const GRANTABLE_ROLES: RoleInfo[] = [
  { role: 'dataScientist', name: 'AzureML Data Scientist', scope: 'workspace' },
  { role: 'storageBlobDataContributor', name: 'Storage Blob Data Contributor', scope: 'storage' },
  { role: 'storageFileDataPrivilegedContributor', name: 'Storage File Data Privileged Contributor', scope: 'storage' },
  { role: 'acrPull', name: 'AcrPull', scope: 'registry' },
];

export function roleInfo(role: GrantableRole): RoleInfo {
  return GRANTABLE_ROLES.find((info) => info.role === role) ?? GRANTABLE_ROLES[0]!;
}

/** The grantable role a diagnosis names (by its display name, any case), if there is one. */
export function roleFromName(name: string | undefined | null): GrantableRole | undefined {
  const wanted = (name ?? '').trim().toLowerCase();
  return GRANTABLE_ROLES.find((info) => info.name.toLowerCase() === wanted)?.role;
}
