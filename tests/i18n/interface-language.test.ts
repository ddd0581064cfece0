import { getInterfaceLanguage, setInterfaceLanguage, tr } from '../../src/i18n';
import { runCli } from '../../src/cli/run';

afterEach(() => setInterfaceLanguage('en'));

describe("the core's interface language", () => {
  it('is English until a shell sets one, and tr follows what is set', () => {
    expect(getInterfaceLanguage()).toBe('en');
    expect(tr('command.openChat')).toBe('Open chat');
    setInterfaceLanguage('zh-CN');
    expect(getInterfaceLanguage()).toBe('zh-CN');
    expect(tr('command.openChat')).not.toBe('Open chat');
    expect(tr('command.openChat')).toMatch(/[\u4e00-\u9fff]/);
  });

  it('is set by the command line from --lang and from LANG', async () => {
    const io = { out: () => undefined, err: () => undefined };
    await runCli(['--lang', 'zh', '--help'], {}, io);
    expect(getInterfaceLanguage()).toBe('zh-CN');
    await runCli(['--help'], { LANG: 'en_US.UTF-8' }, io);
    expect(getInterfaceLanguage()).toBe('en');
    await runCli(['--help'], { LANG: 'zh_CN.UTF-8' }, io);
    expect(getInterfaceLanguage()).toBe('zh-CN');
  });
});
