// Files shipped beside the code are found from the package, whatever the current directory.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TodoInfraError } from '../../src/core/errors.js';
import { readShippedFile, shippedPath } from '../../src/core/package-files.js';

describe('shipped package files', () => {
  it('are found from the package root, not the current directory', () => {
    const cwd = process.cwd();
    process.chdir('/');
    try {
      expect(readShippedFile('manifests', 'kafka', 'kafka-metrics-config.yaml')).toContain(
        'lowercaseOutputName: true',
      );
      expect(existsSync(shippedPath('terraform', 'oke.tf'))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });

  it('a missing one is a broken installation, named with the fix', () => {
    let error: unknown;
    try {
      readShippedFile('manifests', 'no-such-file.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TodoInfraError);
    const e = error as TodoInfraError;
    expect(e.code).toBe('PACKAGE_FILE_MISSING');
    expect(e.message).toMatch(/manifests\/no-such-file\.yaml is missing from the installation/);
    expect(e.hint).toMatch(/Reinstall todo-infra/);
  });
});
