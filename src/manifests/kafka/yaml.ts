// Multi-document YAML for `render --out`: a comment header that says what the file is and how it
// is used, then one document per object. Field order follows the objects as built.
import { stringify } from 'yaml';

export function yamlDocuments(header: string[], objects: readonly object[]): string {
  const comment = header.map((line) => (line === '' ? '#' : `# ${line}`)).join('\n');
  // Literal blocks keep embedded files (the JMX exporter rules) readable and byte-exact.
  const docs = objects.map((o) =>
    stringify(o, { lineWidth: 100, blockQuote: 'literal' }).trimEnd(),
  );
  return `${comment}\n---\n${docs.join('\n---\n')}\n`;
}

/** A YAML values file (one document) with a comment header. */
export function yamlValues(header: string[], values: object): string {
  const comment = header.map((line) => (line === '' ? '#' : `# ${line}`)).join('\n');
  return `${comment}\n${stringify(values, { lineWidth: 100 })}`;
}
