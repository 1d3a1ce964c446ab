// Listing a collection, following `continue` tokens so a large namespace is read in pages
// rather than in one response the server may refuse to build.
import type { Transport } from './transport.js';
import type { KubeObject } from './types.js';

interface ListBody {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items?: KubeObject[];
}

export interface Listed {
  items: KubeObject[];
  /** The collection's resourceVersion: where a watch that follows this list starts. */
  resourceVersion: string | undefined;
}

const PAGE = 500;

export async function listAll(
  transport: Transport,
  path: string,
  what: string,
  selectors: { fieldSelector?: string | undefined; labelSelector?: string | undefined } = {},
  signal?: AbortSignal,
): Promise<Listed> {
  const items: KubeObject[] = [];
  let token: string | undefined;
  let resourceVersion: string | undefined;
  do {
    const body = await transport.json<ListBody>({
      method: 'GET',
      path,
      query: { ...selectors, limit: PAGE, continue: token },
      what: `list ${what}`,
      signal,
    });
    // Items of built-in lists come without apiVersion/kind; restore them from the list's.
    const kind = body.kind?.endsWith('List') ? body.kind.slice(0, -4) : undefined;
    for (const item of body.items ?? []) {
      const apiVersion = item.apiVersion ?? body.apiVersion ?? '';
      items.push({ ...item, apiVersion, kind: item.kind ?? kind ?? '' });
    }
    token = body.metadata?.continue || undefined;
    // A paged list is consistent at the first page's resourceVersion.
    resourceVersion ??= body.metadata?.resourceVersion;
  } while (token);
  return { items, resourceVersion };
}
