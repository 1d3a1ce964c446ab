// The README section against the workflows: every secret and variable a workflow reads is
// documented, every documented one is read, and the section merges into a user's README
// without touching the rest of it.
import { describe, expect, it } from 'vitest';
import { isTodoInfraError } from '../../src/core/errors.js';
import { renderPipeline } from '../../src/pipeline/index.js';
import { BEGIN, END, extractSection, mergeReadme, ocirHost } from '../../src/pipeline/readme.js';
import { REFS, referencedNames } from '../../src/pipeline/secrets.js';
import { CONFIG_NAMES, configOf } from './helpers.js';

/** Rows of the "Secrets and variables the workflows read" table: name -> kind. */
function documented(section: string): Map<string, string> {
  const after = section.split('### Secrets and variables the workflows read')[1]!;
  const table = after.split('\n###')[0]!;
  const rows = new Map<string, string>();
  for (const m of table.matchAll(/^\| `([A-Z0-9_]+)` \| (secret|variable) \|/gm)) {
    rows.set(m[1]!, m[2]!);
  }
  return rows;
}

describe('documented secrets and variables', () => {
  it.each(CONFIG_NAMES)('are exactly those the workflows read (%s)', (name) => {
    const out = renderPipeline(configOf(name));
    const used = { secrets: new Set<string>(), variables: new Set<string>() };
    for (const text of Object.values(out.texts)) {
      const refs = referencedNames(text);
      refs.secrets.forEach((s) => used.secrets.add(s));
      refs.variables.forEach((v) => used.variables.add(v));
    }
    const docs = documented(out.readmeSection);
    const docSecrets = [...docs]
      .filter(([, k]) => k === 'secret')
      .map(([n]) => n)
      .sort();
    const docVars = [...docs]
      .filter(([, k]) => k === 'variable')
      .map(([n]) => n)
      .sort();
    expect(docSecrets).toEqual([...used.secrets].sort());
    expect(docVars).toEqual([...used.variables].sort());
    expect(docs.size).toBe(REFS.length);
    // Each has a how-to paragraph, not only a table row.
    for (const n of docs.keys()) expect(out.readmeSection).toContain(`**\`${n}\`**`);
  });

  it('says which workflow reads each one', () => {
    const section = renderPipeline(configOf('default')).readmeSection;
    expect(section).toMatch(/\| `KUBE_SA_TOKEN` \| secret \| `cd-dev.yaml`, `cd-prod.yaml` \|/);
    expect(section).toMatch(/\| `OCIR_AUTH_TOKEN` \| secret \| `cd-dev.yaml`, `cd-prod.yaml` \|/);
  });

  it('ci.yaml reads no secret at all (it never pushes)', () => {
    const ci = renderPipeline(configOf('default')).texts['ci.yaml']!;
    expect(referencedNames(ci).secrets).toEqual([]);
  });

  it('fills in the OCIR host and namespace when the config knows them', () => {
    expect(ocirHost(configOf('default'))).toBeUndefined();
    expect(ocirHost(configOf('monorepo'))).toBe('fra.ocir.io'); // from oci.region
    expect(ocirHost(configOf('polyglot'))).toBe('iad.ocir.io'); // registry.host as given
    const section = renderPipeline(configOf('polyglot')).readmeSection;
    expect(section).toContain('`iad.ocir.io` for this config');
    expect(section).toContain('`mytenancy` for this config');
  });

  it('documents the approval gate, the exec-credential alternative and manual rollback', () => {
    const section = renderPipeline(configOf('monorepo')).readmeSection;
    expect(section).toContain('Required reviewers');
    expect(section).toContain('environment `prod`');
    expect(section).toContain('oci ce cluster generate-token');
    expect(section).toContain('kubectl rollout undo deployment/<name> --namespace todo-staging');
    expect(section).toContain('`recurring-worker`, `audit-worker`');
  });
});

describe('README merge', () => {
  const section = renderPipeline(configOf('default')).readmeSection;

  it('starts a README when there is none', () => {
    const readme = mergeReadme(undefined, section);
    expect(readme.startsWith('# Infrastructure\n\n')).toBe(true);
    expect(extractSection(readme)).toBe(section);
  });

  it("appends to a user's README and keeps their text", () => {
    const mine = '# Our infra\n\nHand-written notes.\n';
    const readme = mergeReadme(mine, section);
    expect(readme.startsWith(mine.trimEnd())).toBe(true);
    expect(extractSection(readme)).toBe(section);
  });

  it('replaces only the marked section, keeping text before and after', () => {
    const old = `# Ours\n\nbefore\n\n${BEGIN}\nstale pipeline text\n${END}\n\n## After\n\nafter\n`;
    const readme = mergeReadme(old, section);
    expect(readme).toContain('before');
    expect(readme).toContain('## After\n\nafter\n');
    expect(readme).not.toContain('stale pipeline text');
    expect(extractSection(readme)).toBe(section);
    expect(mergeReadme(readme, section)).toBe(readme); // idempotent
  });

  it('refuses unmatched markers with a coded error naming the fix', () => {
    try {
      mergeReadme(`x\n${BEGIN}\nno end here\n`, section);
      expect.unreachable('merge should have thrown');
    } catch (err) {
      expect(isTodoInfraError(err)).toBe(true);
      if (isTodoInfraError(err)) {
        expect(err.code).toBe('PIPELINE_README_MARKERS');
        expect(err.hint).toContain('marker');
      }
    }
  });
});
