module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/tests/**/*.spec.ts'],
  globalSetup: '<rootDir>/support/global-setup.ts',
  testTimeout: 600_000,
};
