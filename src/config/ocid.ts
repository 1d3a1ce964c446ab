// OCI resource identifiers: ocid1.<type>.<realm>.[region][.future].<unique>. Checking the shape
// locally turns a pasted display name or a truncated OCID into an error at the field, not a 404
// from the cloud after terraform has started.

const OCID = /^ocid1\.([a-z0-9]+)\.(oc[0-9]+)\.([a-z0-9-]*)(\.[a-z0-9-]+)?\.([a-z0-9]{20,})$/;

/**
 * The same shape restricted to some resource types, as a plain regular expression so the JSON
 * Schema (`config schema`) carries it as a `pattern` and editors reject what the CLI rejects.
 */
export function ocidPattern(...types: string[]): RegExp {
  const type = types.length > 0 ? `(?:${types.join('|')})` : '[a-z0-9]+';
  return new RegExp(`^ocid1\\.${type}\\.oc[0-9]+\\.[a-z0-9-]*(?:\\.[a-z0-9-]+)?\\.[a-z0-9]{20,}$`);
}

export function ocidType(value: string): string | undefined {
  return OCID.exec(value)?.[1];
}

export function isOcid(value: string, ...types: string[]): boolean {
  const type = ocidType(value);
  return type !== undefined && (types.length === 0 || types.includes(type));
}

export const OCID_EXAMPLE = 'ocid1.compartment.oc1..aaaaaaaa… (copy it from the OCI console)';
