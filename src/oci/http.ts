// The HTTP client the OCI SDK clients use: the SDK's own request signer, then Node's fetch —
// without the explicit Content-Length header the SDK's FetchHttpClient adds.
//
// Why: @kubernetes/client-node ships a newer undici and, on first use, installs its Agent as
// the process-wide fetch dispatcher. Node's built-in fetch then hands that Agent its own
// Content-Length next to ours, the Agent rejects the pair ("invalid content-length header"),
// and every OCI POST after the first Kubernetes call fails with "fetch failed" — e.g. the
// registry phase, which runs after the kubeconfig phase has talked to the cluster. fetch
// derives Content-Length from the string body, which is exactly the byte length the signer
// signed, so the signature still holds. (test/oci/phases.cluster.test.ts covers the sequence.)
import type { AuthenticationDetailsProvider, HttpClient, HttpRequest } from 'oci-common';
import { TodoInfraError } from '../core/errors.js';

export async function signingHttpClient(
  provider: AuthenticationDetailsProvider,
): Promise<HttpClient> {
  const common = await import('oci-common');
  const signer = new common.DefaultRequestSigner(provider);
  return {
    async send(req: HttpRequest, forceExcludeBody = false): Promise<Response> {
      const empty = req.body === undefined || req.body === null || req.body === '';
      const body: unknown = empty ? undefined : req.body;
      if (body !== undefined && typeof body !== 'string') {
        // Every operation todo-infra calls sends JSON, which the SDK serialises to a string.
        throw new TodoInfraError('OCI_BODY_UNSUPPORTED', 'an OCI request body is not a string', {
          source: 'tool',
          hint: 'This is a todo-infra bug: report it with the debug log (-vv).',
        });
      }
      await signer.signHttpRequest(
        { method: req.method, headers: req.headers, uri: req.uri, body },
        forceExcludeBody,
      );
      req.headers.delete('content-length');
      return fetch(req.uri, { method: req.method, headers: req.headers, body });
    },
  };
}
