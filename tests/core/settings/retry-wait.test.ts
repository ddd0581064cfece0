import { DEFAULT_SETTINGS, migrateSettings } from '../../../src/core/settings';

describe('maxRetryWaitSeconds setting', () => {
  it('defaults to 60 s and keeps a saved value within 0..3600', () => {
    expect(DEFAULT_SETTINGS.maxRetryWaitSeconds).toBe(60);
    expect(migrateSettings({}).settings.maxRetryWaitSeconds).toBe(60);
    expect(migrateSettings({ maxRetryWaitSeconds: 5 }).settings.maxRetryWaitSeconds).toBe(5);
    expect(migrateSettings({ maxRetryWaitSeconds: '0' }).settings.maxRetryWaitSeconds).toBe(0);
    expect(migrateSettings({ maxRetryWaitSeconds: 99999 }).settings.maxRetryWaitSeconds).toBe(3600);
    expect(migrateSettings({ maxRetryWaitSeconds: 'soon' }).settings.maxRetryWaitSeconds).toBe(60);
  });
});
