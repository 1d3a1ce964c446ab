// The `config init` questions at the function level, through @inquirer/testing's screen: the
// validation messages each answer gets, which the pty test only samples.
import { screen } from '@inquirer/testing/vitest';
import { describe, expect, it } from 'vitest';
import { askInitAnswers } from '../../src/cli/prompts/init.js';
import { loadConfig } from '../../src/config/load.js';

/** Waits for the prompt showing `text` (prompts are loaded and drawn asynchronously). */
async function until(text: string | RegExp) {
  for (let i = 0; i < 50; i++) {
    const s = screen.getScreen();
    if (typeof text === 'string' ? s.includes(text) : text.test(s)) return s;
    await screen.next();
  }
  throw new Error(`the prompt never showed ${String(text)}; screen:\n${screen.getScreen()}`);
}

function answer(keys: string) {
  screen.type(keys);
  screen.keypress('enter');
}

describe('askInitAnswers', () => {
  it('rejects bad OCIDs, CIDRs, subnets and namespaces until fixed, and returns loadable answers', async () => {
    const result = askInitAnswers();
    await until('Where should the Todo platform run?');
    screen.keypress('enter');
    await until('OCI region');
    answer('');
    await until('Compartment OCID');
    answer('my-compartment');
    expect(await until(/an OCID like ocid1\.compartment/)).toBeTruthy();
    for (let i = 0; i < 'my-compartment'.length; i++) screen.keypress('backspace');
    answer('ocid1.compartment.oc1..aaaaaaaaxq6tnlzvgs2xkvzqkqkqkqkqkqkqkqkqkqkqkqk');
    await until('VCN CIDR');
    for (let i = 0; i < 12; i++) screen.keypress('backspace');
    answer('10.0.0.1/16');
    expect(await until(/host bits set; the network address is 10\.0\.0\.0\/16/)).toBeTruthy();
    for (let i = 0; i < 11; i++) screen.keypress('backspace');
    answer('172.16.0.0/16');
    // Another VCN: the subnets are asked too, defaulting to its first two /24 blocks.
    expect(await until('Public subnet CIDR')).toContain('172.16.0.0/24');
    answer('10.0.0.0/24');
    expect(await until(/must be inside the VCN 172\.16\.0\.0\/16/)).toBeTruthy();
    for (let i = 0; i < 11; i++) screen.keypress('backspace');
    answer('172.16.0.0/23');
    expect(await until('Private subnet CIDR')).toContain('172.16.1.0/24');
    answer('');
    expect(await until(/overlaps the public subnet 172\.16\.0\.0\/23/)).toBeTruthy();
    for (let i = 0; i < 12; i++) screen.keypress('backspace');
    answer('172.16.8.0/22');
    await until('OCPUs');
    answer('');
    await until('Memory in GB');
    answer('');
    await until('OCIR namespace');
    answer('My-Tenancy');
    expect(await until(/lower-case letters and digits/)).toBeTruthy();
    for (let i = 0; i < 10; i++) screen.keypress('backspace');
    answer('mytenancy');
    await until('Public host name');
    answer('');
    const answers = await result;
    expect(answers).toEqual({
      target: 'oke',
      oci: {
        compartmentId: 'ocid1.compartment.oc1..aaaaaaaaxq6tnlzvgs2xkvzqkqkqkqkqkqkqkqkqkqkqkqk',
      },
      network: {
        vcnCidr: '172.16.0.0/16',
        publicSubnetCidr: '172.16.0.0/23',
        privateSubnetCidr: '172.16.8.0/22',
      },
      cluster: { ocpusPerNode: 2, memoryGbPerNode: 8 },
      registry: { namespace: 'mytenancy' },
    });
    // What config init writes from these answers passes the loader.
    const { config } = loadConfig({ skipFile: true, env: {}, prompted: flat(answers) });
    expect(config.network.privateSubnetCidr).toBe('172.16.8.0/22');
  });
});

function flat(value: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).flatMap(([k, v]) => {
      const key = prefix ? `${prefix}.${k}` : k;
      return v && typeof v === 'object' && !Array.isArray(v)
        ? Object.entries(flat(v as Record<string, unknown>, key))
        : [[key, v]];
    }),
  );
}
