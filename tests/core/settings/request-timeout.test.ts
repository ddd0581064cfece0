import { DEFAULT_SETTINGS, migrateSettings } from '../../../src/core/settings';

describe('the request timeout setting', () => {
  it('defaults to 300 s and keeps a sane saved value', () => {
    expect(DEFAULT_SETTINGS.requestTimeoutSeconds).toBe(300);
    expect(migrateSettings({}).settings.requestTimeoutSeconds).toBe(300);
    expect(migrateSettings({ requestTimeoutSeconds: 900 }).settings.requestTimeoutSeconds).toBe(900);
    expect(migrateSettings({ requestTimeoutSeconds: '600' }).settings.requestTimeoutSeconds).toBe(600);
  });

  it('brings a hand-edited value into range instead of timing out at once or never', () => {
    expect(migrateSettings({ requestTimeoutSeconds: 0 }).settings.requestTimeoutSeconds).toBe(10);
    expect(migrateSettings({ requestTimeoutSeconds: 1e9 }).settings.requestTimeoutSeconds).toBe(7200);
    expect(migrateSettings({ requestTimeoutSeconds: 'long' }).settings.requestTimeoutSeconds).toBe(300);
  });
});
