// The questions `config init` asks. Each answer is validated as it is typed, with the same
// rules the config schema applies, so the file written is always loadable.
import { isOcid } from '../../config/ocid.js';
import { contains, formatIp, overlaps, parseCidr, type Cidr } from '../../config/cidr.js';
import { FREE_TIER } from '../../config/schema.js';

export async function askInitAnswers(): Promise<Record<string, unknown>> {
  const { input, select, confirm, number } = await import('@inquirer/prompts');
  const target = await select({
    message: 'Where should the Todo platform run?',
    choices: [
      { name: 'A new OKE cluster on OCI Always Free (terraform)', value: 'oke' },
      { name: 'An existing Kubernetes cluster (kubeconfig context)', value: 'existing' },
    ],
  });
  const answers: Record<string, unknown> = { target };
  if (target === 'oke') {
    const region = await input({
      message: "OCI region (e.g. eu-frankfurt-1; empty = the OCI config profile's region):",
      validate: (v) => v === '' || /^[a-z]+-[a-z]+-\d+$/.test(v) || 'like eu-frankfurt-1',
    });
    const compartment = await input({
      message: 'Compartment OCID (empty = the tenancy root):',
      validate: (v) =>
        v === '' ||
        isOcid(v, 'compartment', 'tenancy') ||
        'an OCID like ocid1.compartment.oc1..aaaa…',
    });
    answers.oci = {
      ...(region ? { region } : {}),
      ...(compartment ? { compartmentId: compartment } : {}),
    };
    const vcn = await input({
      message: 'VCN CIDR:',
      default: '10.0.0.0/16',
      validate: (v) => {
        const c = parseCidr(v);
        if (typeof c === 'string') return c;
        return c.prefix <= 28 || 'needs room for two subnets: use /28 or larger';
      },
    });
    // The default subnets only fit the default VCN; with another VCN ask for both, suggesting
    // its first two blocks, so the file written always passes the loader's network rules.
    if (vcn !== '10.0.0.0/16')
      answers.network = { vcnCidr: vcn, ...(await askSubnets(vcn, input)) };
    const ocpus = await number({
      message: `OCPUs for the worker node (Always Free allows ${FREE_TIER.ocpus} in total):`,
      default: 2,
      min: 1,
      max: FREE_TIER.ocpus,
      required: true,
    });
    const memory = await number({
      message:
        'Memory in GB for the worker node ' +
        `(Always Free allows ${FREE_TIER.memoryGb} in total):`,
      default: 8,
      min: 1,
      max: FREE_TIER.memoryGb,
      required: true,
    });
    answers.cluster = { ocpusPerNode: ocpus, memoryGbPerNode: memory };
  } else {
    const context = await input({
      message: 'kubeconfig context to use (empty = the current one):',
    });
    if (context) answers.kube = { context };
  }
  const namespace = await input({
    message: 'OCIR namespace (tenancy Object Storage namespace; images are pulled from it):',
    validate: (v) => /^[a-z0-9]+$/.test(v) || 'lower-case letters and digits',
  });
  answers.registry = { namespace };
  const host = await input({
    message: 'Public host name for the app (empty = the load balancer address):',
  });
  const tls = host
    ? await confirm({ message: 'Serve it over HTTPS (needs a TLS secret)?', default: false })
    : false;
  if (host) answers.ingress = { host, tls: { enabled: tls } };
  return answers;
}

type Input = (typeof import('@inquirer/prompts'))['input'];

async function askSubnets(vcnText: string, input: Input) {
  const vcn = parseCidr(vcnText) as Cidr;
  const prefix = vcn.prefix >= 24 ? vcn.prefix + 1 : 24;
  const block = (i: number) => `${formatIp(vcn.base + i * 2 ** (32 - prefix))}/${prefix}`;
  const inside = (v: string, other?: string): string | true => {
    const c = parseCidr(v);
    if (typeof c === 'string') return c;
    if (!contains(vcn, c)) return `must be inside the VCN ${vcnText}`;
    const o = other === undefined ? undefined : parseCidr(other);
    if (typeof o === 'object' && overlaps(c, o)) return `overlaps the public subnet ${other}`;
    return true;
  };
  const publicSubnetCidr = await input({
    message: 'Public subnet CIDR (load balancers):',
    default: block(0),
    validate: (v) => inside(v),
  });
  const privateSubnetCidr = await input({
    message: 'Private subnet CIDR (worker nodes):',
    default: block(1),
    validate: (v) => inside(v, publicSubnetCidr),
  });
  return { publicSubnetCidr, privateSubnetCidr };
}
