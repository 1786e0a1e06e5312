import { EgressPolicy, classifyAddress, isPublicAddress, parseEgressAllowEntry } from './egress-policy';

const allow = (...entries: string[]) => new EgressPolicy(entries.map(parseEgressAllowEntry));

describe('egress address classification', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.0.1', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['169.254.1.1', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['64:ff9b::a00:1', 'rfc6052'],
    ['2002:a00:1::', '6to4'],
    ['2001:db8::1', 'reserved'],
  ])('refuses %s (%s)', (address, range) => {
    const c = classifyAddress(address);
    expect(c.range).toBe(range);
    expect(isPublicAddress(c)).toBe(false);
    expect(new EgressPolicy().permits('example.com', 443, address)).toBe(false);
  });

  it.each(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200', '168.63.129.16', '::ffff:169.254.169.254'])('knows the metadata service %s', (address) => {
    expect(classifyAddress(address).metadata).toBe(true);
    expect(new EgressPolicy().permits('metadata.internal', 80, address)).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('lets the public address %s through', (address) => {
    expect(new EgressPolicy().permits('example.com', 443, address)).toBe(true);
  });
});

describe('EGRESS_ALLOW', () => {
  it('allows ranges and single addresses, optionally on one port', () => {
    const policy = allow('10.0.0.0/8', '127.0.0.1:8080', '[::1]:9000', 'fd00::/8');
    expect(policy.permits('idp', 443, '10.20.30.40')).toBe(true);
    expect(policy.permits('idp', 443, '::ffff:10.20.30.40')).toBe(true);
    expect(policy.permits('idp', 443, '11.0.0.1')).toBe(true); // public anyway
    expect(policy.permits('idp', 8080, '127.0.0.1')).toBe(true);
    expect(policy.permits('idp', 8081, '127.0.0.1')).toBe(false);
    expect(policy.permits('idp', 80, '127.0.0.2')).toBe(false);
    expect(policy.permits('idp', 9000, '::1')).toBe(true);
    expect(policy.permits('idp', 9001, '::1')).toBe(false);
    expect(policy.permits('idp', 443, 'fd12::1')).toBe(true);
  });

  it('allows a host name by name (and port), whatever private address it resolves to, but never a metadata service', () => {
    const policy = allow('idp.internal', 'git.internal:8443');
    expect(policy.permits('idp.internal', 443, '10.0.0.5')).toBe(true);
    expect(policy.permits('IDP.internal.', 443, '192.168.1.1')).toBe(true);
    expect(policy.permits('other.internal', 443, '10.0.0.5')).toBe(false);
    expect(policy.permits('git.internal', 8443, '10.0.0.6')).toBe(true);
    expect(policy.permits('git.internal', 443, '10.0.0.6')).toBe(false);
    expect(policy.permits('idp.internal', 80, '169.254.169.254')).toBe(false);
  });

  it('reaches a metadata address only through an address or range entry containing it', () => {
    expect(allow('169.254.169.254').permits('x', 80, '169.254.169.254')).toBe(true);
    expect(allow('169.254.0.0/16').permits('x', 80, '169.254.169.254')).toBe(true);
    expect(allow('10.0.0.0/8').permits('x', 80, '169.254.169.254')).toBe(false);
  });

  it.each(['10.0.0.0/33', 'not a host', 'host:99999', 'a:b:c', '[::1', '1.2.3', 'fe80::/200', 'idp.internal:0'])('refuses the entry %j', (entry) => {
    expect(() => parseEgressAllowEntry(entry)).toThrow(TypeError);
  });
});
