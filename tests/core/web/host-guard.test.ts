import { addressProblem, checkWebAddress, WebAddressError } from '../../../src/core/web/host-guard';

const refused = async (url: string, options = { allowPrivateHosts: false }) => {
  try {
    await checkWebAddress(url, options);
  } catch (error) {
    expect(error).toBeInstanceOf(WebAddressError);
    return (error as Error).message;
  }
  throw new Error(`${url} was accepted`);
};

describe('checkWebAddress', () => {
  it.each([
    'http://127.0.0.1/',
    'http://127.1.2.3:8080/admin',
    'http://2130706433/', // 127.0.0.1 as one number
    'http://0x7f.0.0.1/',
    'http://0177.0.0.1/',
    'http://0.0.0.0/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://172.31.255.255/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data/', // cloud metadata
    'http://100.64.0.1/',
    'http://[::1]/',
    'http://[::]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[::ffff:10.0.0.1]/',
    'http://[64:ff9b::a00:1]/',
    'http://[2002:c0a8:101::1]/', // 6to4 of 192.168.1.1
    'http://[::ffff:0:7f00:1]/', // IPv4-translated 127.0.0.1
    'http://[64:ff9b:1::a9fe:a9fe]/', // local-use NAT64 of 169.254.169.254
    'http://127.1/',
    'http://0x7f000001/',
    'http://0/',
    'http://localhost./',
    'http://127%2e0%2e0%2e1/', // encoded dots
    'http://127。0。0。1/', // ideographic full stops
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://localhost/',
    'http://LOCALHOST:3000/',
    'http://api.localhost/',
    'http://printer.local/',
    'http://router/',
    'http://nas.home.arpa/',
    'http://service.internal/',
  ])('refuses %s by default, saying how to allow it', async (url) => {
    expect(await refused(url)).toMatch(/not read unless "Allow private hosts" is on/);
  });

  it.each(['https://example.org/a?b=c', 'http://93.184.216.34/', 'http://[2606:4700::1111]/', 'https://172.32.0.1/', 'https://11.0.0.1/'])('accepts the public %s', async (url) => {
    await expect(checkWebAddress(url, { allowPrivateHosts: false })).resolves.toBeInstanceOf(URL);
  });

  it.each(['file:///etc/passwd', 'ftp://example.org/x', 'javascript:alert(1)', 'data:text/html,hi', 'not a url'])('refuses %s whatever the setting', async (url) => {
    expect(await refused(url, { allowPrivateHosts: true })).toMatch(/only http and https|not a web address/);
  });

  it('refuses credentials in the address', async () => {
    expect(await refused('https://user:pw@example.org/', { allowPrivateHosts: true })).toMatch(/user name or password/);
    // The classic trick: the public-looking part is the user name, the host is loopback.
    expect(await refused('http://example.com@127.0.0.1/', { allowPrivateHosts: true })).toMatch(/http:\/\/127\.0\.0\.1 is given with a user name or password/);
  });

  it('refuses IPv6 zone ids and names with NUL or broken punycode as addresses that cannot be read', async () => {
    for (const url of ['http://[fe80::1%25eth0]/', 'http://[fe80::1%eth0]/', 'http://localhost%00.example.com/', 'http://xn--localhost/']) {
      expect(await refused(url)).toMatch(/is not a web address/);
    }
  });

  it('refuses a name that resolves to a private address, and accepts it with private hosts allowed', async () => {
    const resolveHost = (host: string) => Promise.resolve(host === 'evil.example' ? ['93.184.216.34', '10.0.0.7'] : ['93.184.216.34']);
    expect(await refused('https://evil.example/', { allowPrivateHosts: false, resolveHost } as never)).toMatch(/a name for 10\.0\.0\.7, a private network address/);
    await expect(checkWebAddress('https://good.example/', { allowPrivateHosts: false, resolveHost })).resolves.toBeInstanceOf(URL);
    await expect(checkWebAddress('https://evil.example/', { allowPrivateHosts: true, resolveHost })).resolves.toBeInstanceOf(URL);
    await expect(checkWebAddress('http://127.0.0.1:9/', { allowPrivateHosts: true })).resolves.toBeInstanceOf(URL);
  });

  it('says a name that cannot be found cannot be found', async () => {
    const resolveHost = () => Promise.reject(new Error('getaddrinfo ENOTFOUND nowhere.example'));
    expect(await refused('https://nowhere.example/', { allowPrivateHosts: false, resolveHost } as never)).toMatch(/could not be found \(getaddrinfo ENOTFOUND/);
  });
});

describe('addressProblem', () => {
  it('reads IPv6 with an IPv4 tail and rejects nonsense', () => {
    expect(addressProblem('::ffff:192.168.0.1')).toMatch(/private/);
    expect(addressProblem('::127.0.0.1')).toMatch(/loopback/);
    expect(addressProblem('2001:db8::1')).toBeNull();
    expect(addressProblem('1:2:3:4:5:6:7:8:9')).toMatch(/cannot be read/);
    expect(addressProblem('fe80::1%eth0')).toMatch(/link-local/);
    expect(addressProblem('example.org')).toBeNull();
  });
});
