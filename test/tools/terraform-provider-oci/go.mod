// Wrapper module: builds the oracle/oci terraform provider for `npm run validate:terraform`.
// The provider's release tags are not valid Go module versions, so test/tools/
// terraform-provider-oci.ts pins the release commit here with `go get <module>@<commit>`,
// which adds the resolved pseudo-version to the require block and go.sum; commit both.
module todo-infra.test/tools/terraform-provider-oci

go 1.26.0
