// The third-party actions the rendered workflows (and todo-infra's own CI) use, pinned to full
// commit SHAs. A tag can be moved to other code after review (trivy-action's tags were, in
// 2026); a commit cannot. The version goes into a `# vX.Y.Z` comment beside each `uses:` so a
// reader, Dependabot and Renovate all see what the SHA stands for.
//
// How each SHA was verified (no network here, so from public material): the SHA had to appear
// with the same version in several unrelated repositories' pin tables or workflow files, and
// where noted in a Dependabot/Renovate compare link or a PR that dereferenced the release tag.
// To bump one: resolve the new tag (`git ls-remote https://github.com/OWNER/REPO refs/tags/vX`,
// dereferencing annotated tags), replace sha and version here, re-render, and run the tests
// (actionlint checks the inputs against the workflow, not against the action's new version:
// read its action.yml for renamed inputs).

export interface PinnedAction {
  /** owner/repo or owner/repo/path, as written before the @. */
  action: string;
  sha: string;
  version: string;
  /** Where the SHA↔version pairing was confirmed; kept for the next person who bumps it. */
  verifiedBy: string;
}

function pin(action: string, sha: string, version: string, verifiedBy: string): PinnedAction {
  return { action, sha, version, verifiedBy };
}

export const ACTIONS = {
  checkout: pin(
    'actions/checkout',
    '3d3c42e5aac5ba805825da76410c181273ba90b1',
    'v7.0.1',
    'Dependabot compare link v7.0.0...v7.0.1 and several repositories that dereferenced the tag',
  ),
  setupNode: pin(
    'actions/setup-node',
    '820762786026740c76f36085b0efc47a31fe5020',
    'v7.0.0',
    'pin tables of several repositories that dereferenced refs/tags/v7.0.0',
  ),
  setupGo: pin(
    'actions/setup-go',
    'b7ad1dad31e06c5925ef5d2fc7ad053ef454303e',
    'v7.0.0',
    'pin tables of several repositories verified against the upstream tag refs (our own CI)',
  ),
  cache: pin(
    'actions/cache',
    '55cc8345863c7cc4c66a329aec7e433d2d1c52a9',
    'v6.1.0',
    'pin tables of several repositories resolved with the GitHub API (used by our own CI)',
  ),
  setupQemu: pin(
    'docker/setup-qemu-action',
    '99012661954931238ded8c8b007157a8430204e1',
    'v4.4.0',
    'release-page link and pin lists of several repositories',
  ),
  setupBuildx: pin(
    'docker/setup-buildx-action',
    'f87e5991a6d7451dcb8d9637bfbc97413f497069',
    'v4.4.1',
    'pin tables of several repositories resolved with the GitHub API',
  ),
  login: pin(
    'docker/login-action',
    'dbcb813823bdd20940b903addbd779551569679f',
    'v4.6.0',
    'pin tables of several repositories resolved with the GitHub API',
  ),
  buildPush: pin(
    'docker/build-push-action',
    'c3c9e263c25d99ce0380d002d59b67737d91b0dc',
    'v7.4.0',
    'a PR that read refs/tags/v7.4.0, and pin tables of several repositories',
  ),
  trivy: pin(
    'aquasecurity/trivy-action',
    'ed142fd0673e97e23eac54620cfb913e5ce36c25',
    'v0.36.0',
    'several repositories naming it the peeled commit of v0.36.0 (post tag-compromise release)',
  ),
  uploadSarif: pin(
    'github/codeql-action/upload-sarif',
    '2892aa5e19bbd11bc0cff5427e3b750a04d9e3c2',
    'v4.38.2',
    'Dependabot compare link v4.38.1...v4.38.2 and several pin tables',
  ),
  setupKubectl: pin(
    'azure/setup-kubectl',
    '829323503d1be3d00ca8346e5391ca0b07a9ab0d',
    'v5.1.0',
    'an Azure pin list and repositories that dereferenced the annotated v5 tag',
  ),
} as const satisfies Record<string, PinnedAction>;

export type ActionKey = keyof typeof ACTIONS;

/** The `uses:` value; the version comment is added when the workflow is serialized. */
export function uses(key: ActionKey): string {
  const a = ACTIONS[key];
  return `${a.action}@${a.sha}`;
}

/** sha -> version, for the serializer's `# vX.Y.Z` comments and the pinning test. */
export function versionOfSha(sha: string): string | undefined {
  return Object.values(ACTIONS).find((a) => a.sha === sha)?.version;
}
